package io.stagecred.emulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads STS Query requests off the HTTP server, applies injected faults, records each call and
 * writes the XML answer. Logs one summary line per call, never a parameter that could be secret.
 */
final class StsHandler implements HttpHandler {
  private static final Logger LOG = Logger.getLogger(StsEmulator.class.getName());

  private final Clock clock;
  private final Faults faults;
  private final StsActions actions;
  private final List<Call> calls;

  StsHandler(Clock clock, Faults faults, StsActions actions, List<Call> calls) {
    this.clock = clock;
    this.faults = faults;
    this.actions = actions;
    this.calls = calls;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Instant now = clock.instant();
      String requestId = UUID.randomUUID().toString();
      CallDraft draft = new CallDraft(now);
      try {
        QueryParams params = QueryParams.parse(exchange.getRequestURI().getRawQuery(), body);
        draft.read(params);
        Faults.Injected fault = faults.take(draft.action, draft.roleArn);
        if (fault != null && fault.drop()) {
          record(draft, "DROPPED");
          // closing an exchange that never sent headers closes the TCP connection: no response
          return;
        }
        if (fault != null) {
          throw fault.error();
        }
        SigV4Verifier.Request request =
            new SigV4Verifier.Request(
                exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(),
                exchange.getRequestHeaders()::get,
                body);
        String xml = actions.handle(params, request, draft, now, requestId);
        // recorded before answering, so a test sees the call as soon as its SDK call returns
        record(draft, "OK");
        send(exchange, 200, xml, requestId);
      } catch (StsError e) {
        record(draft, e.code);
        send(exchange, e.status, StsXml.error(e, requestId), requestId);
      } catch (RuntimeException e) {
        // an emulator bug: answer like an STS outage rather than leaving the client hanging.
        // Only the type is logged, since an exception message could quote request content.
        LOG.log(Level.WARNING, "STS emulator: request failed with {0}", e.getClass().getName());
        StsError internal = new StsError("InternalFailure", 500, "An internal error has occurred");
        record(draft, internal.code);
        send(exchange, internal.status, StsXml.error(internal, requestId), requestId);
      }
    } catch (IOException e) {
      // the client went away mid-request; nothing left to answer
      LOG.log(Level.FINE, "STS emulator: connection failed with {0}", e.getClass().getName());
    } finally {
      exchange.close();
    }
  }

  private void record(CallDraft draft, String outcome) {
    Call call = draft.toCall(outcome);
    calls.add(call);
    LOG.log(
        Level.FINE,
        "STS {0} role={1} session={2} caller={3} outcome={4}",
        new Object[] {
          call.action(), call.roleArn(), call.roleSessionName(), call.subject(), outcome
        });
  }

  private static void send(HttpExchange exchange, int status, String xml, String requestId)
      throws IOException {
    byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/xml");
    exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
