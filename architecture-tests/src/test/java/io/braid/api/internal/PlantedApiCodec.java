package io.braid.api.internal;

import io.braid.api.PlantedApiValue;

/** Planted cycle half in io.braid.api.internal (test sources only): builds an api value. */
public final class PlantedApiCodec {
  private PlantedApiCodec() {}

  public static PlantedApiValue parse(String text) {
    return text.isEmpty() ? null : PlantedApiValue.parse(text.substring(1));
  }
}
