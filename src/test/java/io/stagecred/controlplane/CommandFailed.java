package io.stagecred.controlplane;

/** A control-plane command (kubectl, most often) that exited non-zero, with what it printed. */
public final class CommandFailed extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;
  private final String stderr;

  CommandFailed(String command, int exitCode, String stdout, String stderr) {
    super(command + " exited " + exitCode + ":\n" + stdout + stderr);
    this.exitCode = exitCode;
    this.stderr = stderr;
  }

  public int exitCode() {
    return exitCode;
  }

  /** What the command printed on standard error: kubectl's message from the API server. */
  public String stderr() {
    return stderr;
  }
}
