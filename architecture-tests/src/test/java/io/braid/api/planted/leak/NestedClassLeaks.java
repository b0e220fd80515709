package io.braid.api.planted.leak;

import io.braid.api.internal.planted.InternalThing;
import java.util.function.Supplier;

/** Planted leak: a public nested class with a type parameter bounded by an internal type. */
public final class NestedClassLeaks {
  private NestedClassLeaks() {}

  public static final class Holder {
    public <T extends Supplier<InternalThing>> T keep(T supplier) {
      return supplier;
    }
  }
}
