package io.stagecred.emulator;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@link Call} being recorded while a request is handled; fields fill in as checks pass. */
final class CallDraft {
  final Instant at;
  String action = "";
  String roleArn;
  String roleSessionName;
  Integer durationSeconds;
  String externalId;
  String sourceIdentity;
  Map<String, String> tags = Map.of();
  List<String> transitiveTagKeys = List.of();
  String subject;
  String accessKeyIdUsed;
  String issuedAccessKeyId;

  CallDraft(Instant at) {
    this.at = at;
  }

  /** Copies the request parameters as sent, before any validation. */
  void read(QueryParams p) {
    action = p.get("Action") == null ? "" : p.get("Action");
    roleArn = p.get("RoleArn");
    roleSessionName = p.get("RoleSessionName");
    externalId = p.get("ExternalId");
    sourceIdentity = p.get("SourceIdentity");
    try {
      durationSeconds =
          p.get("DurationSeconds") == null
              ? null
              : Integer.valueOf(p.get("DurationSeconds").trim());
    } catch (NumberFormatException e) {
      durationSeconds = null;
    }
    Map<String, String> t = new LinkedHashMap<>();
    p.tags("Tags").stream()
        .filter(tag -> tag.key() != null)
        .forEach(tag -> t.put(tag.key(), tag.value() == null ? "" : tag.value()));
    tags = t;
    transitiveTagKeys = p.members("TransitiveTagKeys");
  }

  Call toCall(String outcome) {
    return new Call(
        action,
        roleArn,
        roleSessionName,
        durationSeconds,
        externalId,
        sourceIdentity,
        tags,
        transitiveTagKeys,
        subject,
        accessKeyIdUsed,
        outcome,
        at,
        issuedAccessKeyId);
  }
}
