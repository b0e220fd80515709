package io.braid.cli;

/**
 * A failure the user caused or can fix; printed as one line (with a stack trace only under {@code --verbose}).
 * Its exit code is {@link ExitCodes#FAILED} unless given, and a Braid exception in its causes may refine it
 * ({@link ExitCodes#of}).
 */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CliException(String message) {
    this(ExitCodes.FAILED, message, null);
  }

  CliException(String message, Throwable cause) {
    this(ExitCodes.FAILED, message, cause);
  }

  CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** Bad usage that picocli cannot see (a value out of range): exit code {@link ExitCodes#USAGE}. */
  static CliException usage(String message) {
    return new CliException(ExitCodes.USAGE, message, null);
  }

  /** Bad usage, with the parse failure behind it. */
  static CliException usage(String message, Throwable cause) {
    return new CliException(ExitCodes.USAGE, message, cause);
  }

  /** The exit code this failure asks for. */
  int exitCode() {
    return exitCode;
  }
}
