package io.braid.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A transport's bound listening socket (or in-memory equivalent). Thread-safe. */
public interface TransportListener extends AutoCloseable {

  /**
   * The addresses it listens on, with concrete ports (a request for port 0 reports the bound port);
   * immutable.
   */
  List<Multiaddr> addresses();

  /**
   * Stops accepting. Connections already accepted stay open. Idempotent; does not block.
   */
  @Override
  void close();

  /** Completes when the listener has stopped accepting. */
  CompletableFuture<Void> closeFuture();
}
