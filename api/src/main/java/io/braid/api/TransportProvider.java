package io.braid.api;

/**
 * Service-provider interface for transports, discovered with {@link java.util.ServiceLoader}: an
 * adapter module lists its implementation in {@code META-INF/services/io.braid.api.TransportProvider}.
 *
 * <p>A provider is stateless and cheap to construct; it must not throw from its constructor or from
 * {@link #isAvailable()}. A provider that cannot work here (a missing native library, say) returns
 * {@code false} from {@link #isAvailable()} and is skipped.
 */
public interface TransportProvider {

  /** A short lower_snake name, e.g. {@code tcp}, {@code memory}. */
  String name();

  /** Whether this provider can create a working transport in this JVM. */
  default boolean isAvailable() {
    return true;
  }

  /** Makes a transport for one node. */
  Transport create(TransportContext context);
}
