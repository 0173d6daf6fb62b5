package io.stagecred.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.render.SecretKeys;
import io.stagecred.renewal.SecretFacts;
import io.stagecred.sts.IssuedCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Pure functions over managed Secrets: build the desired Secret for a stage, and read back what an
 * existing Secret holds (owner, fingerprint, issue time, expiry, integrity) without calling STS.
 */
public final class ManagedSecrets {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ManagedSecrets() {}

  /** The Secret for {@code plan}, holding {@code data} (plain strings, encoded here). */
  public static Secret desired(
      DeploymentCredential owner,
      StagePlan plan,
      IssuedCredentials credentials,
      Instant issuedAt,
      Instant renewalTime,
      Map<String, String> data) {
    Map<String, String> encoded = new TreeMap<>();
    data.forEach(
        (k, v) ->
            encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return new SecretBuilder()
        .withNewMetadata()
        .withName(plan.secretName())
        .withNamespace(owner.getMetadata().getNamespace())
        .withLabels(labels(owner, plan.stage()))
        .addToAnnotations(Names.ANN_RESOURCE, owner.getMetadata().getName())
        .addToAnnotations(Names.ANN_EXPIRATION, credentials.expiration().toString())
        .addToAnnotations(Names.ANN_RENEWAL_TIME, renewalTime.toString())
        .addToAnnotations(Names.ANN_ISSUED_AT, issuedAt.toString())
        .addToAnnotations(Names.ANN_ROLE_ARN, plan.roleArn())
        .addToAnnotations(Names.ANN_ASSUMED_ROLE_ARN, String.valueOf(credentials.assumedRoleArn()))
        .addToAnnotations(Names.ANN_SPEC_HASH, plan.fingerprint())
        .addToAnnotations(Names.ANN_DATA_HASH, seal(encoded, issuedAt.toString()))
        .withOwnerReferences(ownerReference(owner))
        .endMetadata()
        .withType("Opaque")
        .withData(encoded)
        .build();
  }

  /**
   * {@code desired} laid over {@code existing}, for an update: stagecred's labels, annotations and
   * owner reference and the whole data replace their earlier values, while labels, annotations,
   * owner references and finalizers that other tools added are kept, and so is the {@code
   * resourceVersion} the update is conditional on. The data stays stagecred's alone: a key someone
   * adds is removed, as the data hash would otherwise call every later pass an edit.
   */
  public static Secret merged(Secret existing, Secret desired) {
    Map<String, String> labels = new TreeMap<>(orEmpty(existing.getMetadata().getLabels()));
    labels.putAll(desired.getMetadata().getLabels());
    Map<String, String> annotations =
        new TreeMap<>(orEmpty(existing.getMetadata().getAnnotations()));
    annotations.putAll(desired.getMetadata().getAnnotations());
    List<OwnerReference> owners = new ArrayList<>(desired.getMetadata().getOwnerReferences());
    if (existing.getMetadata().getOwnerReferences() != null) {
      existing.getMetadata().getOwnerReferences().stream()
          .filter(r -> owners.stream().noneMatch(o -> o.getUid().equals(r.getUid())))
          .forEach(owners::add);
    }
    return new SecretBuilder(existing)
        .editMetadata()
        .withLabels(labels)
        .withAnnotations(annotations)
        .withOwnerReferences(owners)
        .endMetadata()
        .withData(desired.getData())
        .withStringData(null)
        .build();
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }

  /**
   * {@code secret} with its expiration and renewal-time annotations set to what it holds and
   * stagecred's {@code labels} put back, for a Secret whose credentials are good but whose
   * annotations or labels are wrong (edited, or renewBefore changed). The seal does not cover them,
   * so it stays valid.
   */
  public static Secret repaired(
      Secret secret, Instant expiration, Instant renewalTime, Map<String, String> labels) {
    return new SecretBuilder(secret)
        .editMetadata()
        .addToLabels(labels)
        .addToAnnotations(Names.ANN_EXPIRATION, expiration.toString())
        .addToAnnotations(Names.ANN_RENEWAL_TIME, renewalTime.toString())
        .endMetadata()
        .build();
  }

  /** The labels of {@code owner}'s Secret for {@code stage}. */
  public static Map<String, String> labels(DeploymentCredential owner, String stage) {
    Map<String, String> labels = new TreeMap<>();
    labels.put(Names.MANAGED_BY, Names.MANAGED_BY_VALUE);
    labels.put(Names.LABEL_RESOURCE, Names.labelValue(owner.getMetadata().getName()));
    labels.put(Names.LABEL_STAGE, stage);
    return labels;
  }

  /**
   * Reads what {@code secret} holds for the resource with uid {@code ownerUid}, whose Secret should
   * carry {@code labels}. The expiration comes from the credential data itself ({@code
   * credential-process.json}), which the seal protects, never from the annotation anyone can edit.
   */
  public static SecretFacts held(Secret secret, String ownerUid, Map<String, String> labels) {
    Map<String, String> ann =
        secret.getMetadata().getAnnotations() == null
            ? Map.of()
            : secret.getMetadata().getAnnotations();
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    String issuedAt = ann.get(Names.ANN_ISSUED_AT);
    boolean intact =
        !data.isEmpty()
            && issuedAt != null
            && seal(data, issuedAt).equals(ann.get(Names.ANN_DATA_HASH));
    return new SecretFacts(
        ownedBy(secret, ownerUid),
        intact,
        ann.get(Names.ANN_SPEC_HASH),
        instant(issuedAt).orElse(null),
        intact ? dataExpiration(data).orElse(null) : null,
        instant(ann.get(Names.ANN_EXPIRATION)).orElse(null),
        instant(ann.get(Names.ANN_RENEWAL_TIME)).orElse(null),
        ann.get(Names.ANN_ASSUMED_ROLE_ARN),
        secret.getMetadata().getResourceVersion(),
        orEmpty(secret.getMetadata().getLabels()).entrySet().containsAll(labels.entrySet()));
  }

  /** {@link #held} of {@code secret}, or empty when there is none. */
  public static Optional<SecretFacts> held(
      Optional<Secret> secret, String ownerUid, Map<String, String> labels) {
    return secret.map(s -> held(s, ownerUid, labels));
  }

  /** Whether {@code secret} is one the operator manages for the resource with {@code ownerUid}. */
  public static boolean ownedBy(Secret secret, String ownerUid) {
    return secret.getMetadata().getOwnerReferences() != null
        && secret.getMetadata().getOwnerReferences().stream()
            .anyMatch(r -> ownerUid.equals(r.getUid()));
  }

  /** The {@code Expiration} of the encoded {@code credential-process.json}, if readable. */
  private static Optional<Instant> dataExpiration(Map<String, String> encodedData) {
    String encoded = encodedData.get(SecretKeys.CREDENTIAL_PROCESS_JSON);
    if (encoded == null) {
      return Optional.empty();
    }
    try {
      JsonNode json = JSON.readTree(Base64.getDecoder().decode(encoded));
      JsonNode expiration = json == null ? null : json.get("Expiration");
      return expiration == null || !expiration.isTextual()
          ? Optional.empty()
          : instant(expiration.asText());
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static OwnerReference ownerReference(DeploymentCredential owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .build();
  }

  /**
   * Hash over the encoded data in key order and the issue time: a change detector for edits of
   * either (the renewal time is computed from the issue time, so it must not be editable).
   */
  static String seal(Map<String, String> encodedData, String issuedAt) {
    StringBuilder all = new StringBuilder();
    new TreeMap<>(encodedData).forEach((k, v) -> all.append(k).append('=').append(v).append('\n'));
    all.append("issued-at=").append(issuedAt).append('\n');
    return StagePlan.hash(all.toString());
  }

  private static Optional<Instant> instant(String value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(value));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
