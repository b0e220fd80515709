package io.braid.api.internal.planted;

/** Planted internal superclass that exported api classes must not extend. */
public abstract class InternalBase {}
