package io.braid.api.planted.leak;

import io.braid.api.internal.planted.InternalMarker;

/** Planted leak: an exported interface that extends an internal one. */
public interface ImplementsInternalInterface extends InternalMarker {}
