package io.braid.cli;

/** A failure the user caused or can fix; printed as one line (with a stack trace only under {@code --verbose}). */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(message);
  }

  CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
