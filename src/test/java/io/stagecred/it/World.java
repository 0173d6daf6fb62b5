package io.stagecred.it;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagecred.controlplane.ControlPlane;
import io.stagecred.emulator.JwtIssuer;
import io.stagecred.emulator.StsEmulator;
import java.nio.file.Path;

/**
 * The outside world of an operator under test: a real Kubernetes control plane with stagecred
 * installed from deploy/, the STS emulator trusting its service-account issuer, and the operator's
 * own IRSA token file, signed by a second issuer the emulator trusts (EKS's, in a cluster), and the
 * loopback port of the operator's webhook, which the API server calls.
 */
public record World(
    JwtIssuer issuer,
    StsEmulator sts,
    ControlPlane kubernetes,
    Path operatorTokenFile,
    int webhookPort) {

  /** A cluster-admin client, for what a platform team or a test does. */
  public KubernetesClient admin() {
    return kubernetes.admin();
  }
}
