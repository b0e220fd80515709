package io.braid.testkit;

import io.braid.api.Multiaddr;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * The in-JVM "network" that {@link MemoryTransport}s listen on and dial through: a registry of
 * listeners by {@code /memory/<n>} address.
 *
 * <p>Transports only reach listeners of their own network. {@link #global()} is the one the
 * {@code memory} {@link io.braid.api.TransportProvider} uses (so transports made through
 * {@link java.util.ServiceLoader} in one JVM see each other); tests that want isolation make their own
 * with {@code new MemoryNetwork()}. Ids handed out for {@code /memory/0} and for dialers' local
 * addresses come from one counter per network and are never reused while the network lives.
 *
 * <p>Thread-safe.
 */
public final class MemoryNetwork {
  private static final MemoryNetwork GLOBAL = new MemoryNetwork("global");
  private static final AtomicLong NAMES = new AtomicLong();

  private final String name;
  private final ConcurrentHashMap<Long, MemoryListener> listeners = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(1);

  /** A new, isolated network with no listeners. */
  public MemoryNetwork() {
    this("network-" + NAMES.incrementAndGet());
  }

  private MemoryNetwork(String name) {
    this.name = name;
  }

  /** The JVM-wide network used by {@link MemoryTransportProvider}. */
  public static MemoryNetwork global() {
    return GLOBAL;
  }

  /** How many listeners are bound right now. */
  public int listenerCount() {
    return listeners.size();
  }

  /** The addresses listened on right now, in ascending id order; an immutable snapshot. */
  public List<Multiaddr> listenAddresses() {
    List<Long> ids = new ArrayList<>(listeners.keySet());
    ids.sort(Long::compareUnsigned);
    List<Multiaddr> out = new ArrayList<>(ids.size());
    for (long id : ids) {
      out.add(address(id));
    }
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return "MemoryNetwork[" + name + ", listeners=" + listeners.size() + "]";
  }

  static Multiaddr address(long id) {
    return Multiaddr.fromString("/memory/" + Long.toUnsignedString(id));
  }

  /** A fresh id, never 0 and not bound now; used for listeners on /memory/0 and dialers' addresses. */
  long allocateId() {
    while (true) {
      long id = nextId.getAndIncrement();
      if (id != 0 && !listeners.containsKey(id)) {
        return id;
      }
    }
  }

  /** Binds {@code listener} to {@code id}; false if the id is taken. */
  boolean bind(long id, MemoryListener listener) {
    return listeners.putIfAbsent(id, listener) == null;
  }

  /** Binds a listener made by {@code factory} to a fresh id. */
  MemoryListener bindFresh(LongFunction<MemoryListener> factory) {
    while (true) {
      long id = allocateId();
      MemoryListener l = factory.apply(id);
      if (listeners.putIfAbsent(id, l) == null) {
        return l;
      }
    }
  }

  void unbind(long id, MemoryListener listener) {
    listeners.remove(id, listener);
  }

  MemoryListener lookup(long id) {
    return listeners.get(id);
  }
}
