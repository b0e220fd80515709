package io.braid.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ResourceLimits.Limit;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ResourceLimits")
class ResourceLimitsTest {
  @Test
  @DisplayName("refusedStreamsPerConnection: a connection-scope limit, 1024 by default, at least 1")
  void refusedStreamsPerConnection() {
    Limit l = Limit.REFUSED_STREAMS_PER_CONNECTION;
    assertEquals("refusedStreamsPerConnection", l.configName());
    assertEquals(ResourceScope.CONNECTION, l.scope());
    assertEquals(1024, ResourceLimits.defaults().get(l));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ResourceLimits.builder().set(l, 0));
    assertTrue(e.getMessage().contains("refusedStreamsPerConnection"), e.getMessage());
    assertEquals(ResourceLimits.defaults(), ResourceManager.UNLIMITED.limits(),
        "a transport without a network still bounds refused streams by the default");
  }

  @Test
  @DisplayName("refusals raised on event loops by the thousand carry no stack trace; their messages say it all")
  void floodExceptionsAreStackless() {
    LimitExceededException limit = new LimitExceededException(ResourceScope.CONNECTION, "tcp-1",
        "refusedStreamsPerConnection", 1024, 1024, "connection closed");
    StreamResetException reset = new StreamResetException("yamux stream 5 refused");
    assertEquals(0, limit.getStackTrace().length);
    assertEquals(0, reset.getStackTrace().length);
    assertTrue(limit.getMessage().contains("refusedStreamsPerConnection (1024) reached in scope connection tcp-1"),
        limit.getMessage());
    assertTrue(new ConnectionClosedException("x").getStackTrace().length > 0, "other failures keep theirs");
  }


  @Test
  @DisplayName("defaults are each limit's documented default")
  void defaults() {
    ResourceLimits d = ResourceLimits.defaults();
    for (Limit l : Limit.values()) {
      assertEquals(l.defaultValue(), d.get(l), l.configName());
    }
    assertEquals(16, d.get(Limit.PENDING_PER_IP));
    assertEquals(64, d.get(Limit.PENDING_PER_SUBNET));
    assertEquals(d, ResourceLimits.builder().build());
    assertEquals(d, d.toBuilder().build());
  }

  @Test
  @DisplayName("a value below a limit's minimum is rejected with a message naming field, bound and value")
  void belowMinimum() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ResourceLimits.builder().set(Limit.PENDING_PER_IP, 0));
    assertEquals("pendingPerIp must be >= 1, was 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ResourceLimits.builder().set(Limit.MEMORY_PER_STREAM, -1));
    assertEquals("memoryPerStream must be >= 0, was -1", e.getMessage());
    // 0 is allowed where it means "refuse every one".
    assertEquals(0, ResourceLimits.builder().set(Limit.STREAMS_INBOUND_PER_CONNECTION, 0).build()
        .get(Limit.STREAMS_INBOUND_PER_CONNECTION));
  }

  @Test
  @DisplayName("a narrower limit above the wider one it is part of is rejected at build, naming both")
  void nesting() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ResourceLimits.builder().set(Limit.PENDING_PER_IP, 100).build());
    assertEquals("pendingPerIp must be <= pendingPerSubnet (64), was 100", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ResourceLimits.builder().set(Limit.MEMORY_PER_STREAM, 1L << 40).build());
    assertTrue(e.getMessage().startsWith("memoryPerStream must be <= memoryPerConnection ("), e.getMessage());
  }

  @Test
  @DisplayName("equality and toString follow the values")
  void valueSemantics() {
    ResourceLimits a = ResourceLimits.builder().set(Limit.PENDING_PER_IP, 4).build();
    assertNotEquals(ResourceLimits.defaults(), a);
    assertEquals(a, a.toBuilder().build());
    assertEquals(a.hashCode(), a.toBuilder().build().hashCode());
    assertTrue(a.toString().contains("pendingPerIp=4"), a.toString());
    assertEquals(4L, a.asMap().get(Limit.PENDING_PER_IP));
  }

  @Test
  @DisplayName("LimitExceededException names scope, limit, value and current use")
  void refusalMessage() {
    LimitExceededException e = new LimitExceededException(ResourceScope.IP, "127.0.0.2", "pendingPerIp", 16, 16,
        "inbound connection refused");
    assertEquals("inbound connection refused: pendingPerIp (16) reached in scope ip 127.0.0.2, current 16",
        e.getMessage());
    assertEquals(ResourceScope.IP, e.scope());
    assertEquals(16, e.current());
    LimitExceededException old = new LimitExceededException("maxConnections", 5, "dial refused");
    assertEquals(ResourceScope.SYSTEM, old.scope());
    assertEquals("dial refused: maxConnections (5) reached in scope system, current 5", old.getMessage());
  }

  @Test
  @DisplayName("ConnectionConfig's handshake timeout defaults to 10 s and must be positive")
  void handshakeTimeout() {
    assertEquals(Duration.ofSeconds(10), ConnectionConfig.defaults().handshakeTimeout());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConnectionConfig.builder().handshakeTimeout(Duration.ZERO));
    assertEquals("handshakeTimeout must be > 0, was PT0S", e.getMessage());
    ConnectionConfig c = ConnectionConfig.builder().handshakeTimeout(Duration.ofSeconds(3)).build();
    assertEquals(c, c.toBuilder().build());
    assertTrue(c.toString().contains("handshakeTimeout=PT3S"), c.toString());
  }
}
