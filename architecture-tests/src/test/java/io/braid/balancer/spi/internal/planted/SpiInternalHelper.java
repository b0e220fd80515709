package io.braid.balancer.spi.internal.planted;

/** Planted internal class of the balancer-spi module. */
public final class SpiInternalHelper {
  private SpiInternalHelper() {}

  public static String normalise(String name) {
    return name.toLowerCase(java.util.Locale.ROOT);
  }
}
