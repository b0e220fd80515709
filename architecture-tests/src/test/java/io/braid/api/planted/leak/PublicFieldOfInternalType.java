package io.braid.api.planted.leak;

import io.braid.api.internal.planted.InternalThing;

/** Planted leak: a public field of an internal type. */
public final class PublicFieldOfInternalType {
  public final InternalThing thing = new InternalThing();
}
