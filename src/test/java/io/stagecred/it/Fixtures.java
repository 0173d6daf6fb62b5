package io.stagecred.it;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.IdentitySpec;
import io.stagecred.api.StageSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Builders for the resources a platform team would apply. */
public final class Fixtures {

  public static final String DEV_ROLE = "arn:aws:iam::111111111111:role/deploy-dev";
  public static final String PROD_ROLE = "arn:aws:iam::222222222222:role/deploy-prod";
  public static final String PREVIEW_ROLE = "arn:aws:iam::111111111111:role/deploy-preview";

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private Fixtures() {}

  /** A namespace name no other test uses. */
  public static String uniqueNamespace(String prefix) {
    return prefix + "-" + SEQUENCE.incrementAndGet();
  }

  /** Creates a namespace no other test uses, named after {@code prefix}; returns its name. */
  public static String namespace(KubernetesClient client, String prefix) {
    String namespace = uniqueNamespace(prefix);
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    return namespace;
  }

  /** Creates {@code namespace} and a service account {@code sa} in it. */
  public static void namespaceWithServiceAccount(
      KubernetesClient client, String namespace, String sa) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    client
        .serviceAccounts()
        .inNamespace(namespace)
        .resource(new ServiceAccountBuilder().withNewMetadata().withName(sa).endMetadata().build())
        .create();
  }

  /**
   * A namespace no other test uses, named after {@code prefix}, with a service account "deployer"
   * that {@code role} trusts in {@code world}'s STS; returns its name.
   */
  public static String trustedNamespace(
      KubernetesClient client, World world, String prefix, String role) {
    String namespace = uniqueNamespace(prefix);
    namespaceWithServiceAccount(client, namespace, "deployer");
    world
        .sts()
        .allowWebIdentity(
            role, "system:serviceaccount:" + namespace + ":deployer", "sts.amazonaws.com");
    return namespace;
  }

  public static StageSpec stage(String name, String roleArn) {
    StageSpec s = new StageSpec();
    s.setName(name);
    s.setRoleArn(roleArn);
    return s;
  }

  /** A resource using service account {@code sa}, with the given stages. */
  public static DeploymentCredential resource(
      String namespace, String name, String sa, StageSpec... stages) {
    DeploymentCredential dc = new DeploymentCredential();
    dc.getMetadata().setNamespace(namespace);
    dc.getMetadata().setName(name);
    DeploymentCredentialSpec spec = new DeploymentCredentialSpec();
    spec.setRegion("us-east-1");
    if (sa != null) {
      IdentitySpec identity = new IdentitySpec();
      identity.setServiceAccountName(sa);
      spec.setIdentity(identity);
    }
    spec.setStages(new ArrayList<>(List.of(stages)));
    dc.setSpec(spec);
    return dc;
  }
}
