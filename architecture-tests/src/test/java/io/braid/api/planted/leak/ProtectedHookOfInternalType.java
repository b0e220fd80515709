package io.braid.api.planted.leak;

import io.braid.api.internal.planted.InternalThing;

/** Planted leak: a protected method a subclass must implement, returning an internal type. */
public abstract class ProtectedHookOfInternalType {
  protected abstract InternalThing create();
}
