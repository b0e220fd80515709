package io.braid.testkit.planted;

import io.braid.testkit.internal.planted.PlantedHarness;

/** Planted leak: a testkit contract whose extension hook returns an internal type. */
public abstract class ContractExposesInternalHarness {
  protected abstract PlantedHarness harness();
}
