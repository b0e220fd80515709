package io.braid.core.internal;

import io.braid.api.InboundConnectionHandler;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.api.Transport;
import io.braid.api.TransportListener;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A transport for {@code /memory/...} addresses whose dials the test settles by hand: each dial is
 * recorded with its pending future, which the test completes (with a {@code FakeNetConn}) or fails.
 * Listening is not supported. Thread-safe.
 */
final class ScriptedTransport implements Transport {
  record Dial(Multiaddr address, PeerId peer, CompletableFuture<NetConn> future) {}

  final List<Dial> dials = new CopyOnWriteArrayList<>();
  volatile boolean closed;
  /** When set, cancelling a dial future does nothing: the test settles it later, as a slow transport would. */
  volatile boolean ignoreCancel;

  @Override
  public boolean supports(Multiaddr address) {
    return address.components().get(0).name().equals("memory");
  }

  @Override
  public CompletableFuture<NetConn> dial(Multiaddr address, PeerId expectedPeer) {
    CompletableFuture<NetConn> f = ignoreCancel ? new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        return false;
      }
    } : new CompletableFuture<>();
    dials.add(new Dial(address, expectedPeer, f));
    return f;
  }

  @Override
  public CompletableFuture<TransportListener> listen(Multiaddr address, InboundConnectionHandler handler) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("scripted transports do not listen"));
  }

  @Override
  public void close() {
    closed = true;
  }

  /** The dials not settled yet. */
  List<Dial> pending() {
    return dials.stream().filter(d -> !d.future().isDone()).toList();
  }
}
