package io.stagecred.it;

/**
 * Class order of the surefire run ({@code ClassOrderer$OrderAnnotation}; unannotated classes come
 * first, at {@code Integer.MAX_VALUE / 2}). The operator tests share one Quarkus application, so
 * they run together after every plain unit test: no unit test then runs beside a live operator and
 * its STS emulator.
 */
final class TestOrder {
  /** The {@code @QuarkusTest} classes that leave the operator running. */
  static final int OPERATOR = Integer.MAX_VALUE - 3;

  /** {@link RenewalAndRestartTest}: stops the application's operator, restarts the API server. */
  static final int RESTART = Integer.MAX_VALUE - 2;

  /** {@link RbacAuditTest}: reads the audit log of everything the operator did. */
  static final int RBAC_AUDIT = Integer.MAX_VALUE - 1;

  /** {@link ZzSecretLeakScanTest}: reads everything the others logged. */
  static final int LEAK_SCAN = Integer.MAX_VALUE;

  private TestOrder() {}
}
