package io.braid.benchmarks;

import io.braid.api.ConnectionConfig;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetworkListener;
import io.braid.api.PeerId;
import io.braid.core.Swarm;
import io.braid.identity.Identity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Keep-N's replacement time over TCP on loopback (Noise, Yamux): a dialer keeps 3 connections to a
 * listener; the listener closes one of them, K times in a row, and each time the harness measures from
 * the close to the dialer's {@code targetRestored} event (the connection is in the dialer's views again).
 * Prints every time and the median, minimum and maximum.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.braid.benchmarks.KeepReplaceTime [K=20]</pre>
 */
public final class KeepReplaceTime {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private KeepReplaceTime() {}

  public static void main(String[] args) throws Exception {
    int kills = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    ConnectionConfig three = ConnectionConfig.builder().maxConnectionsPerPeer(3).build();
    Swarm listener = Swarm.builder(Identity.generate()).connectionConfig(three).build();
    java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ConcurrentLinkedQueue<String> causes = new java.util.concurrent.ConcurrentLinkedQueue<>();
    java.util.concurrent.ConcurrentLinkedQueue<Double> handshakes = new java.util.concurrent.ConcurrentLinkedQueue<>();
    Swarm dialer = Swarm.builder(Identity.generate()).connectionConfig(three).metrics(new io.braid.api.NetworkMetrics() {
      @Override
      public void dialAttempt(PeerId peer, String transport) {
        tries.incrementAndGet();
      }

      @Override
      public void dialRetry(PeerId peer, DialFailure cause) {
        failed.incrementAndGet();
        causes.add(cause.name());
      }

      @Override
      public void dialFailure(PeerId peer, DialFailure cause) {
        failed.incrementAndGet();
        causes.add(cause.name());
      }

      @Override
      public void handshakeCompleted(PeerId peer, String transport, Duration duration) {
        handshakes.add(duration.toNanos() / 1e6);
      }
    }).build();
    LinkedBlockingQueue<Long> restoredAt = new LinkedBlockingQueue<>();
    dialer.addListener(new NetworkListener() {
      @Override
      public void targetRestored(PeerId peer, int connections, Duration took) {
        restoredAt.add(System.nanoTime());
      }
    });
    try {
      Multiaddr addr = listener.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"))
          .get(WAIT.toSeconds(), TimeUnit.SECONDS).get(0);
      PeerId peer = listener.localPeer();
      dialer.addAddresses(peer, addr);
      dialer.keepConnected(peer, 3);
      take(restoredAt, "the first 3 connections");
      List<Double> ms = new ArrayList<>();
      for (int i = 0; i < kills + 3; i++) { // the first 3 warm the JIT up and are not counted
        awaitCount(listener, dialer.localPeer(), 3);
        NetConn victim = listener.getConnections(dialer.localPeer()).get(0);
        long start = System.nanoTime();
        victim.close();
        long end = take(restoredAt, "restored after kill " + i);
        if (i >= 3) {
          ms.add((end - start) / 1e6);
        }
      }
      List<Double> sorted = new ArrayList<>(ms);
      Collections.sort(sorted);
      double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
          : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
      StringBuilder each = new StringBuilder();
      for (double m : ms) {
        each.append(String.format(Locale.ROOT, " %.2f", m));
      }
      System.out.println("replacement times (ms):" + each);
      System.out.println("tries " + tries + ", failed " + failed + " " + causes + ", handshakes (ms) " + handshakes);
      System.out.printf(Locale.ROOT, "keep-N replacement after a kill over TCP loopback: median %.2f ms, "
          + "min %.2f ms, max %.2f ms over %d kills%n", median, sorted.get(0), sorted.get(sorted.size() - 1), ms.size());
    } finally {
      dialer.close();
      listener.close();
      dialer.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      listener.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private static long take(LinkedBlockingQueue<Long> q, String what) throws InterruptedException {
    Long t = q.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    if (t == null) {
      throw new IllegalStateException(what + ": not within " + WAIT);
    }
    return t;
  }

  /** The listener admits the replacement on its own threads: wait until it lists all 3 again. */
  private static void awaitCount(Swarm s, PeerId peer, int n) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (s.getConnections(peer).size() != n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the listener has " + s.getConnections(peer).size() + " connections");
      }
      Thread.sleep(1);
    }
  }
}
