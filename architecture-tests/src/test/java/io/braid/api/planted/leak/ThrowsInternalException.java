package io.braid.api.planted.leak;

import io.braid.api.internal.planted.InternalFailure;

/** Planted leak: an internal exception in the throws clause of a public method. */
public final class ThrowsInternalException {
  public void run() throws InternalFailure {}
}
