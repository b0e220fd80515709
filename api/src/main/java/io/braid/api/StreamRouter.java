package io.braid.api;

import java.util.Optional;
import java.util.Set;

/**
 * What a transport asks when the remote side proposes a protocol for an inbound stream. The swarm
 * implements it over its {@link StreamHandler} registry. Thread-safe and non-blocking.
 */
@FunctionalInterface
public interface StreamRouter {

  /** The handler for {@code protocol}, or empty: the transport then answers "not available". */
  Optional<StreamHandler> handlerFor(String protocol);

  /**
   * The protocols this router serves now, for a transport to announce (identify lists them). A snapshot:
   * it may change as handlers are set or removed. The default is empty, for routers that cannot be
   * enumerated; {@link #handlerFor} stays the authority on what is served.
   *
   * @return an immutable set of protocol ids; never null
   */
  default Set<String> protocols() {
    return Set.of();
  }

  /** A router that refuses every protocol. */
  static StreamRouter refuseAll() {
    return protocol -> Optional.empty();
  }
}
