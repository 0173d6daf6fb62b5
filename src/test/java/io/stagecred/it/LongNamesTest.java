package io.stagecred.it;

import static io.stagecred.it.Fixtures.DEV_ROLE;
import static io.stagecred.it.OperatorTestSupport.awaitEvent;
import static io.stagecred.it.OperatorTestSupport.awaitReady;
import static io.stagecred.it.OperatorTestSupport.get;
import static io.stagecred.it.OperatorTestSupport.ready;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.operator.Names;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Every resource name the API server allows gives valid Secret names, labels and Event names, or an
 * answer naming the field to change; on the real API server, which refuses a label value over 63
 * characters and an object name over 253.
 */
@QuarkusTest
@WithTestResource(WorldResource.class)
@Order(TestOrder.OPERATOR)
class LongNamesTest {

  @InjectWorld KubernetesClient client;
  @InjectWorld World world;

  private String trustedNamespace(String prefix) {
    return Fixtures.trustedNamespace(client, world, prefix, DEV_ROLE);
  }

  private static String nameOf(int length) {
    return "orders-" + "x".repeat(length - "orders-".length() - 1) + "9";
  }

  @Test
  void aNameLongerThanALabelValueIsHashedInTheLabelAndKeptInAnAnnotation() {
    String ns = trustedNamespace("longname");
    String name = nameOf(70);
    client
        .resource(Fixtures.resource(ns, name, "deployer", Fixtures.stage("dev", DEV_ROLE)))
        .create();

    awaitReady(client, ns, name, "True", "CredentialsIssued");
    Secret secret = client.secrets().inNamespace(ns).withName(name + "-dev").get();
    assertThat(secret.getMetadata().getLabels().get(Names.LABEL_RESOURCE))
        .hasSizeLessThanOrEqualTo(63)
        .isEqualTo(Names.labelValue(name));
    assertThat(secret.getMetadata().getAnnotations()).containsEntry(Names.ANN_RESOURCE, name);
    assertThat(awaitEvent(client, ns, "CredentialsIssued"))
        .extracting(Event::getInvolvedObject)
        .anyMatch(o -> name.equals(o.getName()));
  }

  @Test
  void aNameThatLeavesNoRoomForTheStageIsAnsweredWithTheFieldToSet() {
    String ns = trustedNamespace("maxname");
    String name = nameOf(253);
    client
        .resource(Fixtures.resource(ns, name, "deployer", Fixtures.stage("dev", DEV_ROLE)))
        .create();

    DeploymentCredential refused = awaitReady(client, ns, name, "False", "InvalidSpec");
    assertThat(ready(refused).orElseThrow().getMessage())
        .contains("metadata.name")
        .contains("spec.secretNamePrefix");
    // The Warning event itself has a name the API server accepts.
    awaitEvent(client, ns, "InvalidSpec");

    DeploymentCredential fixed = get(client, ns, name);
    fixed.getSpec().setSecretNamePrefix("orders");
    client.resource(fixed).update();
    awaitReady(client, ns, name, "True", "CredentialsIssued");
    assertThat(client.secrets().inNamespace(ns).withName("orders-dev").get()).isNotNull();
    awaitEvent(client, ns, "CredentialsIssued");
  }
}
