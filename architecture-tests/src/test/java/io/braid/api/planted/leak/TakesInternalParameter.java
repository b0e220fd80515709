package io.braid.api.planted.leak;

import io.braid.api.internal.planted.InternalThing;

/** Planted leak: an internal type as the parameter of a public method. */
public final class TakesInternalParameter {
  public String describe(InternalThing thing) {
    return thing.name();
  }
}
