package io.stagecred.render;

import io.stagecred.sts.IssuedCredentials;

/** Reads a {@link RenderInput}; returns the shared-credentials INI file ({@code credentials}). */
final class CredentialsIni {

  private CredentialsIni() {}

  static String render(RenderInput in) {
    StringBuilder out = new StringBuilder();
    // The stage profile serves --aws-profile/AWS_PROFILE/provider.profile; [default] serves tools
    // run
    // without a profile. For the stage "default" both are the same section, written once.
    if (!"default".equals(in.stage())) {
      section(out, in.stage(), in.credentials());
      out.append('\n');
    }
    section(out, "default", in.credentials());
    return out.toString();
  }

  private static void section(StringBuilder out, String name, IssuedCredentials c) {
    out.append('[').append(name).append("]\n");
    out.append("aws_access_key_id = ").append(c.accessKeyId()).append('\n');
    out.append("aws_secret_access_key = ").append(c.secretAccessKey()).append('\n');
    out.append("aws_session_token = ").append(c.sessionToken()).append('\n');
  }
}
