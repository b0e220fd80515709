package io.braid.testkit;

import io.braid.api.StreamHandler;
import io.braid.api.StreamRouter;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link StreamRouter} whose handlers a test registers and removes while transports run: hand it to
 * a {@link io.braid.api.TransportContext} and register protocols as each test needs them.
 * Thread-safe; lookups never block.
 */
public final class TestStreamRouter implements StreamRouter {
  private final ConcurrentHashMap<String, StreamHandler> handlers = new ConcurrentHashMap<>();

  /** A router with no handlers. */
  public TestStreamRouter() {}

  /**
   * Serves {@code protocol} with {@code handler}, replacing any earlier handler for it.
   *
   * @throws IllegalArgumentException if {@code protocol} is empty
   */
  public TestStreamRouter register(String protocol, StreamHandler handler) {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(handler, "handler");
    if (protocol.isEmpty()) {
      throw new IllegalArgumentException("protocol must not be empty");
    }
    handlers.put(protocol, handler);
    return this;
  }

  /** Stops serving {@code protocol}; later streams for it are refused. */
  public TestStreamRouter unregister(String protocol) {
    handlers.remove(Objects.requireNonNull(protocol, "protocol"));
    return this;
  }

  @Override
  public Optional<StreamHandler> handlerFor(String protocol) {
    return protocol == null ? Optional.empty() : Optional.ofNullable(handlers.get(protocol));
  }

  /** The protocols served now; an immutable snapshot. */
  public Set<String> protocols() {
    return Set.copyOf(handlers.keySet());
  }
}
