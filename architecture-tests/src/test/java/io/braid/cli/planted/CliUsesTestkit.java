package io.braid.cli.planted;

import io.braid.testkit.planted.PlantedContract;

/** Planted violation: the cli naming a testkit contract. */
public final class CliUsesTestkit {
  public String contract(PlantedContract contract) {
    return contract.toString();
  }
}
