package io.braid.core.internal.planted;

import io.braid.core.Swarm;

/** Planted violation: a swarm collaborator reaching back into the facade that wires it. */
public final class CollaboratorCallsTheFacade {
  public int slotsOf(Swarm swarm) {
    return swarm.connectionSlotsInUse();
  }
}
