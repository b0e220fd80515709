package io.braid.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectionConfigTest {
  @Test
  void defaultsAreThreeConnectionsThirtySecondsAndRoundRobin() {
    ConnectionConfig d = ConnectionConfig.defaults();
    assertEquals(3, d.maxConnectionsPerPeer());
    assertEquals(Duration.ofSeconds(30), d.connectionTimeout());
    assertEquals("round_robin", d.loadBalancingStrategy());
    assertEquals(d, ConnectionConfig.builder().build());
    assertSame(d, ConnectionConfig.defaults());
  }

  @Test
  void theBuilderKeepsWhatItIsGiven() {
    ConnectionConfig c = ConnectionConfig.builder()
        .maxConnectionsPerPeer(1)
        .connectionTimeout(Duration.ofNanos(1))
        .loadBalancingStrategy("least_loaded")
        .build();
    assertEquals(1, c.maxConnectionsPerPeer());
    assertEquals(Duration.ofNanos(1), c.connectionTimeout());
    assertEquals("least_loaded", c.loadBalancingStrategy());
    assertEquals(c, c.toBuilder().build());
    assertEquals(c.hashCode(), c.toBuilder().build().hashCode());
    assertNotEquals(c, ConnectionConfig.defaults());
    assertTrue(c.toString().contains("maxConnectionsPerPeer=1"), c.toString());
  }

  @Test
  void maxConnectionsPerPeerBelowOneIsRejectedNamingFieldBoundAndValue() {
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> ConnectionConfig.builder().maxConnectionsPerPeer(0));
    assertEquals("maxConnectionsPerPeer must be >= 1, was 0", zero.getMessage());
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> ConnectionConfig.builder().maxConnectionsPerPeer(Integer.MIN_VALUE));
    assertEquals("maxConnectionsPerPeer must be >= 1, was -2147483648", negative.getMessage());
  }

  @Test
  void aConnectionTimeoutThatIsNotPositiveIsRejectedNamingFieldBoundAndValue() {
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> ConnectionConfig.builder().connectionTimeout(Duration.ZERO));
    assertEquals("connectionTimeout must be > 0, was PT0S", zero.getMessage());
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> ConnectionConfig.builder().connectionTimeout(Duration.ofMillis(-5)));
    assertEquals("connectionTimeout must be > 0, was PT-0.005S", negative.getMessage());
    NullPointerException nul = assertThrows(NullPointerException.class,
        () -> ConnectionConfig.builder().connectionTimeout(null));
    assertTrue(nul.getMessage().contains("connectionTimeout"), nul.getMessage());
  }

  @Test
  void aBlankOrNullStrategyNameIsRejectedNamingTheField() {
    IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
        () -> ConnectionConfig.builder().loadBalancingStrategy(" \t"));
    assertEquals("loadBalancingStrategy must not be blank, was ' \t'", blank.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ConnectionConfig.builder().loadBalancingStrategy(""));
    NullPointerException nul = assertThrows(NullPointerException.class,
        () -> ConnectionConfig.builder().loadBalancingStrategy(null));
    assertTrue(nul.getMessage().contains("loadBalancingStrategy"), nul.getMessage());
  }

  @Test
  void aRejectedSetterLeavesTheBuilderAsItWas() {
    ConnectionConfig.Builder b = ConnectionConfig.builder().maxConnectionsPerPeer(7);
    assertThrows(IllegalArgumentException.class, () -> b.maxConnectionsPerPeer(0));
    assertEquals(7, b.build().maxConnectionsPerPeer());
  }

  @Test
  void globalCapsDefaultToSizesForATwoCoreNodeAndRejectBadValues() {
    ConnectionConfig d = ConnectionConfig.defaults();
    assertEquals(2048, d.maxConnections());
    assertEquals(128, d.maxPendingHandshakes());
    assertEquals("maxConnections must be >= 1, was 0",
        assertThrows(IllegalArgumentException.class, () -> ConnectionConfig.builder().maxConnections(0))
            .getMessage());
    assertEquals("maxPendingHandshakes must be >= 1, was -1",
        assertThrows(IllegalArgumentException.class, () -> ConnectionConfig.builder().maxPendingHandshakes(-1))
            .getMessage());
    assertEquals("maxConnections must be >= maxConnectionsPerPeer (5), was 4",
        assertThrows(IllegalArgumentException.class,
            () -> ConnectionConfig.builder().maxConnectionsPerPeer(5).maxConnections(4).build()).getMessage());
    ConnectionConfig c = ConnectionConfig.builder().maxConnections(10).maxPendingHandshakes(2).build();
    assertEquals(c, c.toBuilder().build());
    assertEquals(10, c.toBuilder().build().maxConnections());
    assertEquals(2, c.toBuilder().build().maxPendingHandshakes());
  }

  // health (issue 14)

  @Test
  void healthTimersDefaultTo15And10And10SecondsAndRejectValuesUnderTheirBound() {
    ConnectionConfig d = ConnectionConfig.defaults();
    assertEquals(Duration.ofSeconds(15), d.keepAliveInterval());
    assertEquals(Duration.ofSeconds(10), d.keepAliveTimeout());
    assertEquals(Duration.ofSeconds(10), d.unhealthyGrace());
    assertEquals("keepAliveInterval must be >= 1 ms, was PT0S", assertThrows(IllegalArgumentException.class,
        () -> ConnectionConfig.builder().keepAliveInterval(Duration.ZERO)).getMessage());
    assertEquals("keepAliveTimeout must be >= 1 ms, was PT0.0005S", assertThrows(IllegalArgumentException.class,
        () -> ConnectionConfig.builder().keepAliveTimeout(Duration.ofNanos(500_000))).getMessage());
    assertEquals("unhealthyGrace must be >= 0, was PT-1S", assertThrows(IllegalArgumentException.class,
        () -> ConnectionConfig.builder().unhealthyGrace(Duration.ofSeconds(-1))).getMessage());
    assertThrows(NullPointerException.class, () -> ConnectionConfig.builder().keepAliveInterval(null));
    ConnectionConfig c = ConnectionConfig.builder().keepAliveInterval(Duration.ofSeconds(2))
        .keepAliveTimeout(Duration.ofSeconds(1)).unhealthyGrace(Duration.ZERO).build();
    assertEquals(c, c.toBuilder().build());
    assertEquals(c.hashCode(), c.toBuilder().build().hashCode());
    assertNotEquals(c, ConnectionConfig.defaults());
    assertTrue(c.toString().contains("keepAliveInterval=PT2S, keepAliveTimeout=PT1S, unhealthyGrace=PT0S"),
        c.toString());
  }

  @Test
  void connectionStatsRejectValuesBelowUnknownAndSayUnknownAsEmpty() {
    PeerId peer = PeerId.fromString("QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC");
    Multiaddr addr = Multiaddr.fromString("/ip4/127.0.0.1/tcp/1");
    ConnectionStats s = new ConnectionStats("c1", peer, Direction.OUTBOUND, addr, -1, -1, 0, true, false, 0, -1,
        -1, 5, -1);
    assertTrue(s.smoothedRtt().isEmpty() && s.idle().isEmpty() && s.usable());
    assertEquals("bytesSent must be >= -1 (unknown), was -2", assertThrows(IllegalArgumentException.class,
        () -> new ConnectionStats("c1", peer, Direction.OUTBOUND, addr, -1, -1, 0, true, false, 0, -2, -1, 5, -1))
        .getMessage());
    assertEquals("ageNanos must be >= 0, was -1", assertThrows(IllegalArgumentException.class,
        () -> new ConnectionStats("c1", peer, Direction.OUTBOUND, addr, -1, -1, 0, true, false, 0, -1, -1, -1, -1))
        .getMessage());
  }
}
