package io.braid.balancer.leastloaded.planted;

import io.braid.api.LoadBalancer;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import java.util.Comparator;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Planted, allowed: a balancer using the api, SLF4J and the JDK. Stands in for a concrete balancer. */
public final class PlantedLeastLoadedBalancer implements LoadBalancer {
  @Override
  public NetConn select(PeerId peer, List<NetConn> candidates) {
    LoggerFactory.getLogger(PlantedLeastLoadedBalancer.class).trace("select for {}", peer);
    return candidates.stream().min(Comparator.comparingInt(NetConn::streamCount)).orElseThrow();
  }
}
