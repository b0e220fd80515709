package io.braid.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.braid.api.PeerExplanation.AddressState;
import io.braid.api.PeerExplanation.Connection;
import io.braid.api.PeerExplanation.Dials;
import io.braid.api.PeerExplanation.Keep;
import io.braid.api.PeerExplanation.Refusal;
import io.braid.api.PeerExplanation.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PeerExplanation")
class PeerExplanationTest {
  private static final PeerId PEER = PeerId.fromString("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq");
  private static final Multiaddr A = Multiaddr.fromString("/ip4/127.0.0.1/tcp/4001");
  private static final Multiaddr B = Multiaddr.fromString("/ip4/10.0.0.9/tcp/4001");

  @Test
  @DisplayName("describe() says every part in words, one line each")
  void describeInWords() {
    PeerExplanation why = new PeerExplanation(PEER, Keep.BELOW_TARGET, 3,
        List.of(new Connection("c-7", Direction.OUTBOUND, A)),
        List.of(new AddressState(A, Result.OK, "", Optional.of(Duration.ofMillis(1234)), 0, Duration.ZERO),
            new AddressState(B, Result.FAILED, "TransportException: connection refused",
                Optional.of(Duration.ofMillis(300)), 2, Duration.ofMillis(100))),
        List.of(new Refusal(ResourceScope.PEER, PEER.toString(), "peerDialRate", 10, 20, "dial refused",
            Duration.ofMillis(20))),
        new Dials(1, 0, 1, 0, 64));

    assertEquals(String.join("\n",
        "peer " + PEER + ": 1 connection, keep target 3 (below target, redialing)",
        "connections:",
        "  c-7 outbound /ip4/127.0.0.1/tcp/4001",
        "addresses:",
        "  /ip4/127.0.0.1/tcp/4001: ok 1.2 s ago",
        "  /ip4/10.0.0.9/tcp/4001: failed 300 ms ago (TransportException: connection refused), 2 in a row, "
            + "backoff 100 ms left",
        "refused recently:",
        "  peer " + PEER + ": peerDialRate (10) reached, current 20, 20 ms ago",
        "dials: 1 in flight to this peer, 0 waiting; 1 in flight in total (max 64), 0 queued"), why.describe());
    assertEquals(why.describe(), why.toString());
  }

  @Test
  @DisplayName("is immutable, and target is 0 exactly when nothing is kept")
  void immutableAndConsistent() {
    List<Connection> conns = new ArrayList<>(List.of(new Connection("c-1", Direction.INBOUND, A)));
    PeerExplanation why = new PeerExplanation(PEER, Keep.NONE, 0, conns, List.of(), List.of(), Dials.NONE);
    conns.clear();
    assertEquals(1, why.connections().size());
    assertThrows(UnsupportedOperationException.class, () -> why.connections().clear());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PeerExplanation(PEER, Keep.NONE, 2, List.of(), List.of(), List.of(), Dials.NONE));
    assertEquals("target must be 0 exactly when keep is NONE, was 2 with keep NONE", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new PeerExplanation(PEER, Keep.AT_TARGET, 0, List.of(), List.of(), List.of(), Dials.NONE));
  }

  @Test
  @DisplayName("a refusal carries the LimitExceededException's scope, limit, value and current use")
  void refusalOfAnException() {
    LimitExceededException e = new LimitExceededException(ResourceScope.SYSTEM, "", "maxDialsInFlight", 64, 64,
        "dial refused");
    Refusal r = Refusal.of(e, Duration.ofSeconds(1));
    assertEquals(new Refusal(ResourceScope.SYSTEM, "", "maxDialsInFlight", 64, 64, e.getMessage(),
        Duration.ofSeconds(1)), r);
  }
}
