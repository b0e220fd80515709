package io.braid.transport.tcp.internal.tls;

import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A small bounded stock of fresh certificates, made ahead of need off the event loops, each handed out
 * once: a new key and certificate cost about a millisecond of P-256 and host-key signing, which a
 * connection's handshake no longer waits for while the stock lasts. Taking from an empty stock makes one on
 * the caller's thread, as if there were no pool. The first {@link #take()} starts the stocking (a transport
 * that never runs TLS makes none), and each take tops the stock up again.
 *
 * <p>Stocking runs on the given executor, by default one daemon thread shared by every pool of the JVM that
 * exits when idle. Thread-safe. {@link #close()} stops stocking and drops the stock.
 */
final class CertificatePool implements AutoCloseable {
  /** Certificates kept ready per pool. */
  static final int DEFAULT_CAPACITY = 8;

  private static final Executor STOCKER = new ThreadPoolExecutor(0, 1, 5, TimeUnit.SECONDS,
      new LinkedBlockingQueue<>(), runnable -> {
        Thread t = new Thread(runnable, "braid-tls-certificates");
        t.setDaemon(true);
        return t;
      });

  private final Supplier<Libp2pCertificate.CertifiedKey> maker;
  private final ArrayBlockingQueue<Libp2pCertificate.CertifiedKey> stock;
  private final Executor executor;
  private final AtomicBoolean stocking = new AtomicBoolean();
  private volatile boolean closed;

  CertificatePool(Supplier<Libp2pCertificate.CertifiedKey> maker) {
    this(maker, DEFAULT_CAPACITY, STOCKER);
  }

  CertificatePool(Supplier<Libp2pCertificate.CertifiedKey> maker, int capacity, Executor executor) {
    this.maker = Objects.requireNonNull(maker, "maker");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
    }
    this.stock = new ArrayBlockingQueue<>(capacity);
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** A certificate no one else got: from the stock, else made now. */
  Libp2pCertificate.CertifiedKey take() {
    Libp2pCertificate.CertifiedKey key = stock.poll();
    topUp();
    return key != null ? key : maker.get();
  }

  /** How many certificates are ready. */
  int ready() {
    return stock.size();
  }

  private void topUp() {
    if (closed || stock.remainingCapacity() == 0 || !stocking.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(() -> {
        try {
          while (!closed && stock.remainingCapacity() > 0) {
            stock.offer(maker.get());
          }
        } catch (RuntimeException e) {
          // Stocking is an optimisation: take() makes its own certificate, and reports the error itself.
        } finally {
          stocking.set(false);
        }
      });
    } catch (RuntimeException e) {
      stocking.set(false);
    }
  }

  @Override
  public void close() {
    closed = true;
    stock.clear();
  }
}
