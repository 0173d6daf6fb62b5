package io.stagecred.api;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The DeploymentCredential custom resource: per-stage IAM roles whose credentials land in Secrets.
 */
@Group("stagecred.io")
@Version("v1alpha1")
@ShortNames("dcred")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Stages",
    jsonPath = ".status.readyStages",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Next Renewal",
    jsonPath = ".status.nextRenewal",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class DeploymentCredential
    extends CustomResource<DeploymentCredentialSpec, DeploymentCredentialStatus>
    implements Namespaced {

  /** Reads the spec leniently: see {@link SpecReader}. */
  @Override
  @JsonDeserialize(using = SpecReader.class)
  public void setSpec(DeploymentCredentialSpec spec) {
    super.setSpec(spec);
  }
}
