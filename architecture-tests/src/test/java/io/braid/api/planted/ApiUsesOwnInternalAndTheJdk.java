package io.braid.api.planted;

import io.braid.api.PeerId;
import io.braid.api.internal.Varint;
import java.util.List;
import java.util.Map;

/** Planted, allowed: an api class using the JDK, the api and the api's own internals. */
public final class ApiUsesOwnInternalAndTheJdk {
  private final Map<String, List<PeerId>> peers = Map.of();
  private final int[] sizes = {Varint.size(300)};

  public int count() {
    return peers.size() + sizes.length;
  }
}
