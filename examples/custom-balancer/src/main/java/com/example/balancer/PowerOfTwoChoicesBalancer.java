package com.example.balancer;

import io.braid.api.LoadBalancer;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * "Power of two choices": look at two random connections, take the one with fewer streams.
 * Nearly as even as least-loaded, without scanning every connection. Stateless, so thread-safe.
 */
public final class PowerOfTwoChoicesBalancer implements LoadBalancer {
  @Override
  public NetConn select(PeerId peer, List<NetConn> candidates) {
    int n = candidates.size();
    if (n == 1) {
      return candidates.get(0);
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    NetConn a = candidates.get(random.nextInt(n));
    NetConn b = candidates.get(random.nextInt(n));
    return b.streamCount() < a.streamCount() ? b : a;
  }
}
