package io.braid.api.internal.planted;

/** Planted internal type that exported api classes must not expose. */
public final class InternalThing {
  public String name() {
    return "thing";
  }
}
