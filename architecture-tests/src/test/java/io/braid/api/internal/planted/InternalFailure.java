package io.braid.api.internal.planted;

/** Planted internal exception that exported api classes must not declare. */
public final class InternalFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;
}
