package io.stagecred.render;

/** Reads a {@link RenderInput}; returns the AWS config INI file ({@code config}). */
final class ConfigIni {

  private ConfigIni() {}

  static String render(RenderInput in) {
    StringBuilder out = new StringBuilder();
    // In the config file only "default" is written without the "profile " prefix; a
    // "[profile default]" next to "[default]" would be two spellings of one profile.
    if (!"default".equals(in.stage())) {
      out.append("[profile ").append(in.stage()).append("]\n");
      out.append("region = ").append(in.region()).append("\n\n");
    }
    // The refreshing profile carries no static keys: SDKs prefer static keys over
    // credential_process,
    // and a profile that has both would never refresh. Its keys come from the credentials file only
    // for profiles of the same name, and "<stage>-process" has none there.
    out.append("[profile ").append(in.stage()).append("-process]\n");
    out.append("region = ").append(in.region()).append('\n');
    out.append("credential_process = cat ").append(in.credentialProcessPath()).append("\n\n");
    out.append("[default]\n");
    out.append("region = ").append(in.region()).append('\n');
    return out.toString();
  }
}
