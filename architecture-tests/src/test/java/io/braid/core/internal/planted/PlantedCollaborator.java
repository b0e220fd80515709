package io.braid.core.internal.planted;

import io.braid.api.PeerId;
import io.braid.core.internal.SerialExecutor;

/** Planted, allowed: a collaborator using another collaborator and the api, never the facade. */
public final class PlantedCollaborator {
  public void run(SerialExecutor events, PeerId peer) {
    events.execute(() -> peer.toBase58());
  }
}
