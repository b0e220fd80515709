package io.braid.api;

import java.util.Optional;

/**
 * What a transport asks when the remote side proposes a protocol for an inbound stream. The swarm
 * implements it over its {@link StreamHandler} registry. Thread-safe and non-blocking.
 */
@FunctionalInterface
public interface StreamRouter {

  /** The handler for {@code protocol}, or empty: the transport then answers "not available". */
  Optional<StreamHandler> handlerFor(String protocol);

  /** A router that refuses every protocol. */
  static StreamRouter refuseAll() {
    return protocol -> Optional.empty();
  }
}
