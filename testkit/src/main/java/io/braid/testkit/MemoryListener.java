package io.braid.testkit;

import io.braid.api.InboundConnectionHandler;
import io.braid.api.Multiaddr;
import io.braid.api.TransportListener;
import io.braid.testkit.internal.Futures;
import io.braid.testkit.internal.SerialExecutor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** A {@link MemoryTransport}'s binding of one {@code /memory/<n>} address on its network. */
final class MemoryListener implements TransportListener {
  final MemoryTransport transport;
  final long id;
  final Multiaddr address;
  final InboundConnectionHandler handler;
  /** The handler's calls for this listener, in order. */
  final SerialExecutor events;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  MemoryListener(MemoryTransport transport, long id, InboundConnectionHandler handler) {
    this.transport = transport;
    this.id = id;
    this.address = MemoryNetwork.address(id);
    this.handler = handler;
    this.events = new SerialExecutor(transport.executor());
  }

  @Override
  public List<Multiaddr> addresses() {
    return List.of(address);
  }

  boolean isClosed() {
    return closed.get();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    transport.network().unbind(id, this);
    transport.listenerClosed(this);
    transport.executor().execute(() -> closeFuture.complete(null));
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return Futures.view(closeFuture);
  }

  @Override
  public String toString() {
    return "MemoryListener[" + address + (closed.get() ? ", closed" : "") + "]";
  }
}
