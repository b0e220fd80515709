package io.braid.api.planted.leak;

import io.braid.api.internal.planted.InternalThing;

/**
 * Planted, allowed: internal types used only where users cannot name them (private members, method
 * bodies, a protected member of a final class, a package-private nested class).
 */
public final class HidesInternalBehindItsSignature {
  private final InternalThing thing = new InternalThing();

  public String name() {
    return helper(thing).name();
  }

  private InternalThing helper(InternalThing t) {
    return t;
  }

  protected InternalThing cannotBeReachedBecauseTheClassIsFinal() {
    return thing;
  }

  static final class NotExported {
    public InternalThing get() {
      return new InternalThing();
    }
  }
}
