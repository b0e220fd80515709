package io.braid.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

final class MultiaddrRoundTrip {
  private MultiaddrRoundTrip() {}

  /** {@code m} survives bytes -> multiaddr and string -> multiaddr, and its canonical text is stable. */
  static void assertRoundTrips(Multiaddr m) {
    Multiaddr viaBytes = Multiaddr.fromBytes(m.toBytes());
    assertEquals(m, viaBytes, "bytes -> multiaddr");
    assertEquals(m.components(), viaBytes.components(), "components after bytes -> multiaddr");
    Multiaddr viaText = Multiaddr.fromString(m.toString());
    assertEquals(m, viaText, () -> "text -> multiaddr for " + m);
    assertArrayEquals(m.toBytes(), viaText.toBytes(), "bytes -> string -> bytes");
    assertEquals(m.toString(), viaText.toString(), "canonical text is stable");
    assertEquals(m, Multiaddr.of(m.components()), "components -> multiaddr");
  }
}
