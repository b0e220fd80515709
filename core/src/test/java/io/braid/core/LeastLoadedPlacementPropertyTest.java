package io.braid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionConfig;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.testkit.TestIdentity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * Stateful properties of stream placement with {@code least_loaded}: a swarm with 3 connections to a peer
 * opens and closes streams in random sequences (jqwik's state machine API), and after every step the
 * per-connection stream counts are checked.
 */
@Label("least_loaded stream placement")
class LeastLoadedPlacementPropertyTest {
  private final List<SwarmFixture> fixtures = new ArrayList<>();

  @AfterTry
  void closeSwarms() {
    fixtures.forEach(SwarmFixture::close);
    fixtures.clear();
  }

  /** Two swarms, three connections, the streams opened so far. */
  final class Model {
    final SwarmFixture fx = new SwarmFixture();
    final SwarmFixture.Node a;
    final SwarmFixture.Node b;
    final List<NetConn> conns;
    final List<NetStream> streams = new ArrayList<>();

    Model() {
      fixtures.add(fx);
      a = fx.node(TestIdentity.random(), x -> x.connectionConfig(ConnectionConfig.builder().maxConnectionsPerPeer(3)
          .connectionTimeout(Duration.ofSeconds(5)).loadBalancingStrategy("least_loaded").build()));
      b = fx.node();
      SwarmFixture.introduce(a, b);
      conns = SwarmFixture.await(a.swarm().dialPeer(b.peer()), "dial");
    }

    List<Integer> counts() {
      return conns.stream().map(NetConn::streamCount).toList();
    }

    int spread() {
      List<Integer> c = counts();
      return Collections.max(c) - Collections.min(c);
    }

    void open() {
      List<Integer> before = counts();
      int spreadBefore = spread();
      NetStream s = SwarmFixture.await(a.swarm().newStream(b.peer(), SwarmFixture.ECHO), "newStream");
      streams.add(s);
      int chosen = conns.indexOf(s.connection());
      assertEquals(Collections.min(before), before.get(chosen),
          "the stream went to a least-loaded connection; counts before " + before);
      assertTrue(spread() <= Math.max(spreadBefore, 1), "an open never widens the spread: " + before + " -> " + counts());
    }

    void close(int index) {
      streams.remove(index).reset();
    }

    void closeOnBusiest() {
      int max = Collections.max(counts());
      for (int i = 0; i < streams.size(); i++) {
        if (streams.get(i).connection().streamCount() == max) {
          close(i);
          return;
        }
      }
      throw new AssertionError("no stream on a busiest connection " + counts());
    }

    void checkExactCounts() {
      for (NetConn c : conns) {
        long mine = streams.stream().filter(s -> s.connection() == c).count();
        assertEquals(mine, c.streamCount(), "exact stream count of " + c.id());
      }
    }

    @Override
    public String toString() {
      return "Model" + counts();
    }
  }

  private Action<Model> openStream() {
    return Action.just("open", Transformer.mutate("open a stream", Model::open));
  }

  private Action<Model> closeRandomStream() {
    return new Action.Dependent<>() {
      @Override
      public boolean precondition(Model m) {
        return !m.streams.isEmpty();
      }

      @Override
      public Arbitrary<Transformer<Model>> transformer(Model m) {
        return Arbitraries.integers().between(0, m.streams.size() - 1)
            .map(i -> Transformer.mutate("close stream #" + i, model -> model.close(i)));
      }
    };
  }

  private Action<Model> closeOnBusiest() {
    return Action.<Model>when(m -> !m.streams.isEmpty())
        .describeAs("close on busiest")
        .justMutate(Model::closeOnBusiest);
  }

  @Provide
  Arbitrary<ActionChain<Model>> randomCloses() {
    return ActionChain.startWith(Model::new)
        .withAction(3, openStream())
        .withAction(2, closeRandomStream())
        .withMaxTransformations(60);
  }

  @Provide
  Arbitrary<ActionChain<Model>> busiestCloses() {
    return ActionChain.startWith(Model::new)
        .withAction(3, openStream())
        .withAction(2, closeOnBusiest())
        .withMaxTransformations(60);
  }

  @Property(tries = 60)
  @Label("with random closes every open lands on a least-loaded connection and counts stay exact")
  void randomOpensAndCloses(@ForAll("randomCloses") ActionChain<Model> chain) {
    chain.withInvariant("exact counts", Model::checkExactCounts).run();
  }

  @Property(tries = 60)
  @Label("when closes come off the busiest connection, stream counts stay within 1 of each other")
  void balancedOpensAndCloses(@ForAll("busiestCloses") ActionChain<Model> chain) {
    chain.withInvariant("exact counts", Model::checkExactCounts)
        .withInvariant("within 1", m -> assertTrue(m.spread() <= 1, "counts " + m.counts()))
        .run();
  }
}
