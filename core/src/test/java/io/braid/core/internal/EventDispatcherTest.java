package io.braid.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.CloseReason;
import io.braid.api.NetConn;
import io.braid.api.NetworkListener;
import io.braid.api.PeerId;
import io.braid.testkit.FakeNetConn;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("EventDispatcher")
class EventDispatcherTest {
  private final PeerId peer = FakeNetConn.testPeer(1);
  private final NetConn conn = FakeNetConn.create();

  /** Records "name:event" for each call. */
  private static NetworkListener recorder(String name, List<String> log) {
    return new NetworkListener() {
      @Override
      public void peerConnected(PeerId p) {
        log.add(name + ":connected");
      }

      @Override
      public void connectionOpened(NetConn c) {
        log.add(name + ":opened");
      }

      @Override
      public void connectionClosed(NetConn c, CloseReason reason) {
        log.add(name + ":closed");
      }

      @Override
      public void peerDisconnected(PeerId p) {
        log.add(name + ":disconnected");
      }
    };
  }

  @Test
  @DisplayName("delivers each queued event once, in queue order, only when flushed")
  void orderAndExactlyOnce() {
    EventDispatcher d = new EventDispatcher(Runnable::run);
    List<String> log = new CopyOnWriteArrayList<>();
    d.addListener(recorder("a", log));
    d.queuePeerConnected(peer);
    d.queueConnectionOpened(conn);
    d.queueConnectionClosed(conn, CloseReason.LOCAL);
    d.queuePeerDisconnected(peer);
    assertTrue(log.isEmpty(), "queued, not delivered");

    d.flush();
    d.flush();

    assertEquals(List.of("a:connected", "a:opened", "a:closed", "a:disconnected"), log);
  }

  @Test
  @DisplayName("a throwing listener neither stops the others nor later events")
  void isolation() {
    EventDispatcher d = new EventDispatcher(Runnable::run);
    List<String> log = new CopyOnWriteArrayList<>();
    d.addListener(new NetworkListener() {
      @Override
      public void peerConnected(PeerId p) {
        throw new IllegalStateException("listener bug");
      }
    });
    d.addListener(recorder("b", log));
    d.queuePeerConnected(peer);
    d.queueConnectionOpened(conn);
    d.flush();
    assertEquals(List.of("b:connected", "b:opened"), log);
  }

  @Test
  @DisplayName("on a pooled executor events still run one at a time and in order; a flush during delivery adds no second runner")
  void oneAtATime() {
    ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    Executor manual = tasks::add;
    EventDispatcher d = new EventDispatcher(manual);
    List<String> log = new CopyOnWriteArrayList<>();
    d.addListener(new NetworkListener() {
      @Override
      public void peerConnected(PeerId p) {
        log.add("connected");
        d.queueConnectionOpened(conn); // a listener that causes another event
        d.flush();
      }

      @Override
      public void connectionOpened(NetConn c) {
        log.add("opened");
      }
    });
    d.queuePeerConnected(peer);
    d.flush();
    d.flush();
    assertEquals(1, tasks.size(), "one runner for the queue");
    tasks.poll().run();
    assertEquals(List.of("connected", "opened"), log);
    assertTrue(tasks.isEmpty(), "the runner drained what the listener queued");
  }

  @Test
  @DisplayName("a removed listener gets no later events")
  void removal() {
    EventDispatcher d = new EventDispatcher(Runnable::run);
    List<String> log = new CopyOnWriteArrayList<>();
    NetworkListener l = recorder("a", log);
    d.addListener(l);
    d.queuePeerConnected(peer);
    d.flush();
    d.removeListener(l);
    d.queuePeerDisconnected(peer);
    d.flush();
    assertEquals(List.of("a:connected"), log);
  }
}
