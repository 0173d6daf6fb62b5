package io.stagecred.it;

import io.stagecred.controlplane.ControlPlane;

/**
 * Installs stagecred on a real control plane the way a platform team does: {@code kubectl apply -k
 * deploy/} (CRD, namespace, service account, RBAC, Deployment), then waits for the CRD to be
 * Established. It also lets anonymous clients read the service-account issuer's discovery
 * documents, as clusters whose issuer IAM reads do.
 */
public final class Installation {

  public static final String NAMESPACE = "stagecred-system";
  public static final String SERVICE_ACCOUNT = "stagecred-operator";
  public static final String OPERATOR_USER =
      "system:serviceaccount:" + NAMESPACE + ":" + SERVICE_ACCOUNT;
  public static final String CRD = "deploymentcredentials.stagecred.io";

  private static boolean installed;

  private Installation() {}

  /** Installs once per control plane of this JVM; later calls return at once. */
  public static synchronized ControlPlane installed() {
    ControlPlane plane = ControlPlane.shared();
    if (!installed) {
      plane.kubectl("apply", "-k", "deploy/");
      plane.kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd/" + CRD);
      plane.restartControllerManager();
      plane.kubectl(
          "create",
          "clusterrolebinding",
          "oidc-discovery-anonymous",
          "--clusterrole=system:service-account-issuer-discovery",
          "--group=system:unauthenticated");
      installed = true;
    }
    return plane;
  }
}
