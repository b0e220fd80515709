package io.braid.stray.planted;

/** Planted violation: a Braid class in a package that belongs to no known module. */
public final class StrayClass {}
