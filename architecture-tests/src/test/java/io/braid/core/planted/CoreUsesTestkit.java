package io.braid.core.planted;

import io.braid.testkit.planted.PlantedContract;

/** Planted violation: production core code depending on the testkit. */
public final class CoreUsesTestkit {
  public Class<?> contract() {
    return PlantedContract.class;
  }
}
