package io.braid.api;

import io.braid.api.internal.PlantedApiCodec;

/** Planted cycle half in io.braid.api itself (test sources only): calls an internal codec. */
public final class PlantedApiValue {
  public static PlantedApiValue parse(String text) {
    return PlantedApiCodec.parse(text);
  }
}
