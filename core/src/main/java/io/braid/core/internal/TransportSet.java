package io.braid.core.internal;

import io.braid.api.InboundConnectionHandler;
import io.braid.api.Multiaddr;
import io.braid.api.PeerId;
import io.braid.api.Transport;
import io.braid.api.TransportContext;
import io.braid.api.TransportListener;
import io.braid.api.TransportProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transports a swarm dials and listens with (made by the builder's factories, or found with
 * {@link ServiceLoader}), and the listeners they opened (go-libp2p's {@code swarm_listen.go}).
 *
 * <p>Threads: any thread. The transport list is immutable; listeners are kept in a copy-on-write list,
 * added on the transport thread that completes a listen.
 */
public final class TransportSet {
  private static final Logger log = LoggerFactory.getLogger(TransportSet.class);

  private final List<Transport> transports;
  private final CopyOnWriteArrayList<TransportListener> listeners = new CopyOnWriteArrayList<>();

  TransportSet(List<Transport> transports) {
    this.transports = List.copyOf(transports);
  }

  /**
   * Makes one transport per factory or, with no factory, discovers them; a factory that throws closes
   * the transports made before it, and its exception propagates.
   */
  public static TransportSet create(List<Function<TransportContext, Transport>> factories, TransportContext context) {
    List<Transport> made = new ArrayList<>();
    try {
      for (Function<TransportContext, Transport> f : factories) {
        made.add(Objects.requireNonNull(f.apply(context), "a transport factory returned null"));
      }
    } catch (RuntimeException e) {
      made.forEach(Transport::close);
      throw e;
    }
    if (factories.isEmpty()) {
      made.addAll(discover(context));
    }
    return new TransportSet(made);
  }

  /** The available transports found with {@link ServiceLoader}; a broken provider is logged and skipped. */
  static List<Transport> discover(TransportContext context) {
    List<Transport> found = new ArrayList<>();
    var it = ServiceLoader.load(TransportProvider.class).iterator();
    while (true) {
      TransportProvider p;
      try {
        if (!it.hasNext()) {
          break;
        }
        p = it.next();
      } catch (ServiceConfigurationError e) {
        log.warn("skipping a transport provider that could not be loaded", e);
        continue;
      }
      try {
        if (p.isAvailable()) {
          found.add(p.create(context));
        } else {
          log.debug("transport provider {} is not available here", p.getClass().getName());
        }
      } catch (RuntimeException e) {
        log.warn("skipping transport provider {}, which threw", p.getClass().getName(), e);
      }
    }
    return found;
  }

  /** The transports; immutable. */
  public List<Transport> transports() {
    return transports;
  }

  /** The first transport that supports {@code address}, or null. */
  Transport forAddress(Multiaddr address) {
    for (Transport t : transports) {
      if (t.supports(address)) {
        return t;
      }
    }
    return null;
  }

  /**
   * Listens on every address; a listener that comes up after {@code slots} closed is closed at once and
   * its listen fails with the network's closed exception.
   */
  public CompletableFuture<List<Multiaddr>> listen(Multiaddr[] addresses, InboundConnectionHandler inbound,
      SlotPool slots, PeerId localPeer) {
    List<CompletableFuture<List<Multiaddr>>> bound = new ArrayList<>();
    for (Multiaddr address : addresses) {
      Transport t = forAddress(address);
      if (t == null) {
        return CompletableFuture.failedFuture(new IllegalArgumentException(
            "no transport can listen on " + address + " (transports: " + transports + ")"));
      }
      bound.add(t.listen(address, inbound).thenApply(l -> {
        listeners.add(l);
        if (slots.isClosed()) {
          l.close();
          throw new CompletionException(Failures.closed(localPeer));
        }
        return l.addresses();
      }));
    }
    return CompletableFuture.allOf(bound.toArray(CompletableFuture[]::new)).thenApply(v -> {
      List<Multiaddr> all = new ArrayList<>();
      bound.forEach(f -> all.addAll(f.join()));
      return List.copyOf(all);
    });
  }

  /** The addresses of every listener. */
  public List<Multiaddr> listenAddresses() {
    List<Multiaddr> all = new ArrayList<>();
    for (TransportListener l : listeners) {
      all.addAll(l.addresses());
    }
    return List.copyOf(all);
  }

  /** Closes every listener; their close futures. A listener that throws is logged. */
  List<CompletableFuture<?>> closeListeners() {
    List<CompletableFuture<?>> stopped = new ArrayList<>();
    for (TransportListener l : listeners) {
      try {
        l.close();
        stopped.add(l.closeFuture());
      } catch (RuntimeException e) {
        log.warn("transport listener {} threw while closing", l, e);
      }
    }
    return stopped;
  }

  /** Closes every transport; one that throws is logged. */
  void closeTransports() {
    for (Transport t : transports) {
      try {
        t.close();
      } catch (RuntimeException e) {
        log.warn("transport {} threw while closing", t, e);
      }
    }
  }

  @Override
  public String toString() {
    return transports.toString();
  }
}
