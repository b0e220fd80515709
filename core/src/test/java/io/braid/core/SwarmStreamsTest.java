package io.braid.core;

import static io.braid.core.SwarmFixture.await;
import static io.braid.core.SwarmFixture.introduce;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.braid.api.ConnectionConfig;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.testkit.TestIdentity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Placing streams")
class SwarmStreamsTest {
  private final SwarmFixture fx = new SwarmFixture();

  @AfterEach
  void closeEverything() {
    fx.close();
  }

  private SwarmFixture.Node withStrategy(String name) {
    return fx.node(TestIdentity.random(), b -> b.connectionConfig(ConnectionConfig.builder()
        .maxConnectionsPerPeer(3).connectionTimeout(Duration.ofSeconds(5)).loadBalancingStrategy(name).build()));
  }

  @Nested
  @DisplayName("round_robin")
  class RoundRobin {
    @Test
    @DisplayName("spreads 300 streams 100/100/100 over 3 connections")
    void spreadsEvenly() {
      var a = withStrategy("round_robin");
      var b = fx.node();
      introduce(a, b);
      List<NetConn> conns = await(a.swarm().dialPeer(b.peer()), "dial");
      List<NetStream> streams = new ArrayList<>();

      for (int i = 0; i < 300; i++) {
        streams.add(await(a.swarm().newStream(b.peer(), SwarmFixture.ECHO), "stream " + i));
      }

      assertEquals(List.of(100, 100, 100), conns.stream().map(NetConn::streamCount).toList());
      for (NetConn c : conns) {
        assertEquals(100, streams.stream().filter(s -> s.connection() == c).count());
      }
      streams.forEach(NetStream::reset);
      assertEquals(List.of(0, 0, 0), conns.stream().map(NetConn::streamCount).toList(), "exact after resets");
    }
  }

  @Nested
  @DisplayName("least_loaded")
  class LeastLoaded {
    @Test
    @DisplayName("fills the connection whose streams closed first")
    void prefersTheEmptiedConnection() {
      var a = withStrategy("least_loaded");
      var b = fx.node();
      introduce(a, b);
      List<NetConn> conns = await(a.swarm().dialPeer(b.peer()), "dial");
      List<NetStream> streams = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        streams.add(await(a.swarm().newStream(b.peer(), SwarmFixture.ECHO), "stream " + i));
      }
      assertEquals(List.of(3, 3, 3), conns.stream().map(NetConn::streamCount).toList());
      streams.stream().filter(s -> s.connection() == conns.get(1)).forEach(NetStream::reset);

      for (int i = 0; i < 3; i++) {
        NetStream s = await(a.swarm().newStream(b.peer(), SwarmFixture.ECHO), "refill " + i);
        assertEquals(conns.get(1), s.connection());
      }
      assertEquals(List.of(3, 3, 3), conns.stream().map(NetConn::streamCount).toList());
    }
  }
}
