package io.braid.core.internal;

import io.braid.api.Multiaddr;
import io.braid.api.ResourceUsage;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one resource scope, and the helpers the scoped accounting shares: the IP and subnet
 * keys of a remote address, and the refusal tally.
 *
 * <p>Threads: a {@code ScopeCounts} is guarded by its owner's lock ({@link InboundGate},
 * {@link ScopedResourceManager}); {@link Refusals} is thread-safe on its own.
 */
final class ScopeCounts {
  long pending;
  long connectionsInbound;
  long connectionsOutbound;
  long streamsInbound;
  long streamsOutbound;

  /** Adds {@code delta} (1 or -1) to the inbound or the outbound stream count. */
  void addStream(boolean inbound, int delta) {
    if (inbound) {
      streamsInbound += delta;
    } else {
      streamsOutbound += delta;
    }
  }
  long memory;

  boolean isEmpty() {
    return pending == 0 && connectionsInbound == 0 && connectionsOutbound == 0 && streamsInbound == 0
        && streamsOutbound == 0 && memory == 0;
  }

  ResourceUsage.Usage snapshot() {
    return new ResourceUsage.Usage(pending, connectionsInbound, connectionsOutbound, streamsInbound,
        streamsOutbound, memory);
  }

  /** Every non-empty entry of {@code scopes}, snapshotted, sorted by key. Caller holds the owner's lock. */
  static Map<String, ResourceUsage.Usage> snapshot(Map<String, ScopeCounts> scopes) {
    Map<String, ResourceUsage.Usage> out = new TreeMap<>();
    scopes.forEach((k, v) -> {
      if (!v.isEmpty()) {
        out.put(k, v.snapshot());
      }
    });
    return out;
  }

  /** Removes {@code key}'s entry once it holds nothing, so idle scopes cost no memory. Caller holds the lock. */
  static void dropIfEmpty(Map<String, ScopeCounts> scopes, String key) {
    ScopeCounts c = scopes.get(key);
    if (c != null && c.isEmpty()) {
      scopes.remove(key);
    }
  }

  /**
   * The IP and subnet of an address: the IP's text, and its /24 (IPv4) or /56 (IPv6) prefix as
   * {@code 10.1.2.0/24} or {@code 2001:db8:0:100:0:0:0:0/56}. For an address with no IP (a memory or DNS
   * address) both are null.
   */
  record RemoteKey(String ip, String subnet) {
    static final RemoteKey NONE = new RemoteKey(null, null);

    static RemoteKey of(Multiaddr address) {
      for (Multiaddr.Component c : address.components()) {
        if (c.name().equals("ip4") || c.name().equals("ip6")) {
          byte[] ip = c.value();
          int keep = ip.length == 4 ? 3 : 7;
          byte[] prefix = new byte[ip.length];
          System.arraycopy(ip, 0, prefix, 0, keep);
          try {
            return new RemoteKey(InetAddress.getByAddress(ip).getHostAddress(),
                InetAddress.getByAddress(prefix).getHostAddress() + "/" + keep * 8);
          } catch (UnknownHostException e) {
            return NONE; // not 4 or 16 bytes: the multiaddr codec never lets one through
          }
        }
      }
      return NONE;
    }
  }

  /** How many times each limit refused, by its configuration name. Thread-safe. */
  static final class Refusals {
    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    void count(String limit) {
      counts.computeIfAbsent(limit, k -> new LongAdder()).increment();
    }

    Map<String, Long> snapshot() {
      Map<String, Long> out = new TreeMap<>();
      counts.forEach((k, v) -> out.put(k, v.sum()));
      return out;
    }
  }
}
