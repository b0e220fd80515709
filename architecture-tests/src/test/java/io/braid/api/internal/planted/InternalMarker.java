package io.braid.api.internal.planted;

/** Planted internal interface that exported api classes must not implement. */
public interface InternalMarker {}
