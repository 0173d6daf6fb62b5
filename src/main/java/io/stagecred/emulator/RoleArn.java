package io.stagecred.emulator;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an IAM role ARN (arn:aws:iam::123456789012:role/path/name) and writes its assumed-role ARN.
 */
record RoleArn(String arn, String partition, String account, String name) {

  static final String PATTERN_TEXT = "arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]{1,512}";
  private static final Pattern PATTERN =
      Pattern.compile(
          "arn:(aws[a-z-]*):iam::([0-9]{12}):role/(?:[\\w+=,.@-]+/)*([\\w+=,.@-]{1,64})");

  static Optional<RoleArn> parse(String arn) {
    if (arn == null) {
      return Optional.empty();
    }
    Matcher m = PATTERN.matcher(arn);
    return m.matches()
        ? Optional.of(new RoleArn(arn, m.group(1), m.group(2), m.group(3)))
        : Optional.empty();
  }

  /** The path is not part of the assumed-role ARN, only the role name is (as in real STS). */
  String assumedRoleArn(String sessionName) {
    return "arn:" + partition + ":sts::" + account + ":assumed-role/" + name + "/" + sessionName;
  }
}
