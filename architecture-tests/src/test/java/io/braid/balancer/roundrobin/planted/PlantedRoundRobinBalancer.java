package io.braid.balancer.roundrobin.planted;

import io.braid.api.LoadBalancer;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.balancer.spi.planted.PlantedBalancerProvider;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Planted, allowed: a balancer using the api, the SPI and the JDK. Stands in for a concrete balancer. */
public final class PlantedRoundRobinBalancer implements LoadBalancer {
  private final AtomicInteger next = new AtomicInteger();

  @Override
  public NetConn select(PeerId peer, List<NetConn> candidates) {
    return candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
  }

  public static final class Provider extends PlantedBalancerProvider {
    @Override
    public LoadBalancer create() {
      return new PlantedRoundRobinBalancer();
    }
  }
}
