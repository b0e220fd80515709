package io.braid.api;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Opening a stream to a peer failed on every connection that was tried. Names each attempt: the
 * connection id and why it failed.
 */
public class StreamOpenException extends BraidException {
  private static final long serialVersionUID = 1L;

  /** One failed attempt to open a stream on one connection. */
  public record Attempt(String connectionId, Throwable cause) {
    public Attempt {
      Objects.requireNonNull(connectionId, "connectionId");
      Objects.requireNonNull(cause, "cause");
    }
  }

  private final PeerId peer;
  private final List<Attempt> attempts;

  public StreamOpenException(PeerId peer, List<Attempt> attempts) {
    super("could not open a stream to " + peer + attempts.stream()
            .map(a -> a.connectionId() + ": " + a.cause())
            .collect(Collectors.joining("; ", " [", "]")),
        attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).cause(), false);
    this.peer = Objects.requireNonNull(peer, "peer");
    this.attempts = List.copyOf(attempts);
  }

  public PeerId peer() {
    return peer;
  }

  /** Each connection tried, in order, with its failure; immutable. */
  public List<Attempt> attempts() {
    return attempts;
  }
}
