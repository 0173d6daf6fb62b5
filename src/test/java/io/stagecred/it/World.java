package io.stagecred.it;

import io.stagecred.demo.EmbeddedKubernetes;
import io.stagecred.emulator.JwtIssuer;
import io.stagecred.emulator.StsEmulator;
import java.nio.file.Path;

/**
 * The outside world of an operator under test: the embedded Kubernetes API, the STS emulator, the
 * OIDC issuer both trust, and the operator's own projected token file.
 */
public record World(
    JwtIssuer issuer, StsEmulator sts, EmbeddedKubernetes kubernetes, Path operatorTokenFile) {}
