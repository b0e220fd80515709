package io.braid.transport.tcp.internal.yamux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Random interleavings of opens, writes, reads, half-closes, resets and partial pumping between two
 * sessions: every stream that was not reset delivers exactly the bytes written, in order, both ways;
 * a reset stream delivers a prefix; nothing leaks.
 */
class YamuxStreamModelPropertiesTest {

  enum Kind { OPEN_CLIENT, OPEN_SERVER, WRITE, READ, CLOSE_WRITE, RESET, PUMP, PUMP_TO_SERVER, PUMP_TO_CLIENT }

  record Op(Kind kind, int target, boolean clientEnd, int size) {}

  @Provide
  Arbitrary<Op> ops() {
    Arbitrary<Kind> kind = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.OPEN_CLIENT)),
        net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.OPEN_SERVER)),
        net.jqwik.api.Tuple.of(10, Arbitraries.just(Kind.WRITE)),
        net.jqwik.api.Tuple.of(10, Arbitraries.just(Kind.READ)),
        net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.CLOSE_WRITE)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.RESET)),
        net.jqwik.api.Tuple.of(4, Arbitraries.just(Kind.PUMP)),
        net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.PUMP_TO_SERVER)),
        net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.PUMP_TO_CLIENT)));
    Arbitrary<Integer> size = Arbitraries.oneOf(Arbitraries.integers().between(0, 100),
        Arbitraries.integers().between(1, 300_000));
    return Combinators.combine(kind, Arbitraries.integers().between(0, 7), Arbitraries.of(true, false), size)
        .as(Op::new);
  }

  /** One end of a stream with what it wrote and what it read. */
  static final class End {
    final MuxedStream stream;
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    final ByteArrayOutputStream read = new ByteArrayOutputStream();
    CompletableFuture<ByteBuffer> pending;
    boolean eof;
    boolean writeClosed;

    End(MuxedStream stream) {
      this.stream = stream;
    }

    void read() {
      if ((pending == null || pending.isDone()) && !eof) {
        pending = stream.read();
        pending.whenComplete((b, e) -> {
          if (e != null) {
            eof = true;
          } else if (!b.hasRemaining()) {
            eof = true;
          } else {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            read.writeBytes(a);
          }
        });
      }
    }
  }

  @Property(tries = 150)
  void streamsDeliverExactlyWhatWasWrittenUnderRandomInterleavings(
      @ForAll @Size(min = 20, max = 80) List<@From("ops") Op> ops) {
    YamuxHarness h = new YamuxHarness();
    Map<Long, End> clientEnds = new HashMap<>();
    Map<Long, End> serverEnds = new HashMap<>();
    List<Long> ids = new ArrayList<>();
    List<Long> reset = new ArrayList<>();
    int seed = 0;
    for (Op op : ops) {
      collect(h, clientEnds, serverEnds, ids);
      switch (op.kind()) {
        case OPEN_CLIENT -> h.client.openStream().thenAccept(s -> clientEnds.put(s.id(), new End(s)));
        case OPEN_SERVER -> h.server.openStream().thenAccept(s -> serverEnds.put(s.id(), new End(s)));
        case PUMP -> h.pump();
        case PUMP_TO_SERVER -> h.pumpToServer();
        case PUMP_TO_CLIENT -> h.pumpToClient();
        default -> {
          if (ids.isEmpty()) {
            continue;
          }
          long id = ids.get(op.target() % ids.size());
          End end = (op.clientEnd() ? clientEnds : serverEnds).get(id);
          if (end == null) {
            continue; // the other side has not seen the SYN yet
          }
          switch (op.kind()) {
            case WRITE -> {
              if (!end.writeClosed) {
                byte[] data = YamuxHarness.bytes(op.size(), seed++).array();
                end.written.writeBytes(data);
                end.stream.write(ByteBuffer.wrap(data));
              }
            }
            case READ -> end.read();
            case CLOSE_WRITE -> {
              end.writeClosed = true;
              end.stream.closeWrite();
            }
            case RESET -> {
              reset.add(id);
              end.stream.reset();
            }
            default -> throw new AssertionError(op);
          }
        }
      }
    }
    // Drain: everyone half-closes and reads to the end.
    h.pump();
    collect(h, clientEnds, serverEnds, ids);
    for (End e : concat(clientEnds, serverEnds)) {
      if (!e.writeClosed) {
        e.writeClosed = true;
        e.stream.closeWrite();
      }
    }
    for (int round = 0; round < 10_000; round++) {
      concat(clientEnds, serverEnds).forEach(End::read);
      h.pump();
      if (concat(clientEnds, serverEnds).stream().allMatch(e -> e.eof)) {
        break;
      }
    }
    for (long id : ids) {
      End c = clientEnds.get(id);
      End s = serverEnds.get(id);
      assertTrue(c.eof && s.eof, "stream " + id + " finished");
      if (reset.contains(id)) {
        assertPrefix(c.written.toByteArray(), s.read.toByteArray());
        assertPrefix(s.written.toByteArray(), c.read.toByteArray());
      } else {
        assertArrayEquals(c.written.toByteArray(), s.read.toByteArray(), "client to server on " + id);
        assertArrayEquals(s.written.toByteArray(), c.read.toByteArray(), "server to client on " + id);
        assertTrue(c.stream.closeFuture().isDone() && !c.stream.closeFuture().isCompletedExceptionally());
      }
    }
    assertEquals(0, h.client.streamCount());
    assertEquals(0, h.server.streamCount());
    h.finish();
  }

  private static void collect(YamuxHarness h, Map<Long, End> clientEnds, Map<Long, End> serverEnds,
      List<Long> ids) {
    MuxedStream s;
    while ((s = h.serverAccepted.poll()) != null) {
      serverEnds.put(s.id(), new End(s));
    }
    while ((s = h.clientAccepted.poll()) != null) {
      clientEnds.put(s.id(), new End(s));
    }
    for (Long id : clientEnds.keySet()) {
      if (!ids.contains(id)) {
        ids.add(id);
      }
    }
    for (Long id : serverEnds.keySet()) {
      if (!ids.contains(id)) {
        ids.add(id);
      }
    }
  }

  private static List<End> concat(Map<Long, End> a, Map<Long, End> b) {
    List<End> all = new ArrayList<>(a.values());
    all.addAll(b.values());
    return all;
  }

  private static void assertPrefix(byte[] whole, byte[] prefix) {
    assertTrue(prefix.length <= whole.length, "read more than written");
    assertArrayEquals(Arrays.copyOf(whole, prefix.length), prefix, "read is a prefix of written");
  }
}
