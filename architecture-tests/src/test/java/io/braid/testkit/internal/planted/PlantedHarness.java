package io.braid.testkit.internal.planted;

/** Planted internal class of the testkit. */
public final class PlantedHarness {}
