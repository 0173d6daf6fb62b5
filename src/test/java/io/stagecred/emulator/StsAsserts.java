package io.stagecred.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import software.amazon.awssdk.services.sts.model.StsException;

/** Assertions on the errors the SDK raises for emulator answers. */
final class StsAsserts {
  private StsAsserts() {}

  /** The call fails with an StsException carrying this STS error code and HTTP status. */
  static StsException assertStsError(ThrowingCallable call, String code, int status) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isInstanceOf(StsException.class);
    StsException e = (StsException) thrown;
    assertThat(e.awsErrorDetails().errorCode()).as("error code").isEqualTo(code);
    assertThat(e.statusCode()).as("HTTP status").isEqualTo(status);
    assertThat(e.requestId()).as("request id").isNotBlank();
    return e;
  }
}
