package io.braid.transport.tcp.internal.tls;

import io.braid.api.HostIdentity;
import io.braid.api.PeerId;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * The libp2p TLS contexts of one transport: one Netty {@link SslContext} per role (client, server), built
 * on first use and shared by every connection, while each connection still presents a certificate of its
 * own, made fresh for it (libp2p/specs tls/tls.md allows reuse; Braid does not reuse) and taken from a
 * small {@link CertificatePool} stocked off the event loops.
 *
 * <p>Design note. Building an {@code SslContext} costs tens of milliseconds (a JDK {@code SSLContext}, or a
 * native BoringSSL context), so building one per connection made a TLS upgrade several times slower than
 * a Noise one. A shared context cannot hold the certificate, though, so its key manager ({@link
 * Libp2pKeyManager}) and trust manager ({@link Libp2pTrustManager}) look the connection up: each handshake
 * opens a {@link TlsSession} under a unique token and creates its engine with that token as the engine's
 * "peer host"; both managers read it back from the engine they are given. (The peer host is the one handle
 * both providers keep: the JDK hands the managers its inner engine, not Netty's wrapper. It has no dot, so
 * it is never sent as SNI, and the port is -1, so no client session is cached under it.) The session is
 * forgotten when the handshake ends or the channel closes, whichever comes first.
 *
 * <p>Session resumption would skip the certificate check, so it must never succeed: clients never offer a
 * session (no host and port to cache it under), the session caches hold one entry, and a resumed handshake
 * would fail anyway ({@link TlsHandshake} requires a certificate checked during the handshake).
 *
 * <p>Thread-safe. {@link #close()} releases the BoringSSL contexts (each engine keeps its own reference, so
 * connections still open are unaffected); a handshake started after it fails.
 */
public final class TlsContexts implements AutoCloseable {
  private static final String TLS13 = "TLSv1.3";
  private static final String TOKEN_PREFIX = "libp2p-tls-";

  private final boolean openSsl;
  private final List<String> muxers;
  private final CertificatePool pool;
  private final Supplier<Libp2pCertificate.CertifiedKey> certificates;
  private final Map<String, TlsSession> sessions = new ConcurrentHashMap<>();
  private final AtomicLong nextToken = new AtomicLong();
  private final Libp2pKeyManager keyManager = new Libp2pKeyManager(sessions::get);
  private final Libp2pTrustManager trustManager;
  private SslContext client; // guarded by this
  private SslContext server; // guarded by this
  private boolean closed; // guarded by this

  /**
   * @param identity the host whose key signs each connection's certificate
   * @param openSsl BoringSSL rather than the JDK's provider; the caller checked {@link
   *     TlsHandshake#openSslAvailable()}
   * @param muxers the muxer protocol ids to offer through ALPN, preferred first; empty offers only
   *     {@value TlsHandshake#ALPN_LIBP2P}
   */
  public TlsContexts(HostIdentity identity, boolean openSsl, List<String> muxers) {
    this(openSsl, muxers, new CertificatePool(certificateMaker(identity)), Clock.systemUTC());
  }

  /** @param certificates where each connection's certificate comes from; closed with the contexts */
  TlsContexts(boolean openSsl, List<String> muxers, CertificatePool certificates, Clock clock) {
    this.openSsl = openSsl;
    this.muxers = List.copyOf(muxers);
    this.pool = Objects.requireNonNull(certificates, "certificates");
    this.certificates = pool::take;
    this.trustManager = new Libp2pTrustManager(sessions::get, clock);
  }

  private static Supplier<Libp2pCertificate.CertifiedKey> certificateMaker(HostIdentity identity) {
    Objects.requireNonNull(identity, "identity");
    return () -> Libp2pCertificate.generate(identity);
  }

  /** The muxers offered through ALPN, preferred first (without {@value TlsHandshake#ALPN_LIBP2P}). */
  public List<String> muxers() {
    return muxers;
  }

  /** Whether the contexts run on BoringSSL. */
  public boolean openSsl() {
    return openSsl;
  }

  /**
   * Opens the session of one handshake: its certificate comes from {@code certificate} if not null (tests
   * present crafted ones), else it is made fresh on first use.
   */
  TlsSession open(PeerId expectedPeer, Libp2pCertificate.CertifiedKey certificate) {
    String token = TOKEN_PREFIX + nextToken.incrementAndGet();
    TlsSession session = new TlsSession(token, expectedPeer,
        certificate == null ? certificates : () -> certificate);
    sessions.put(token, session);
    return session;
  }

  /** Forgets {@code session} and drops its certificate; idempotent. */
  void forget(TlsSession session) {
    sessions.remove(session.token(), session);
    session.end();
  }

  /** How many handshakes hold a session now. */
  int openSessions() {
    return sessions.size();
  }

  /**
   * A new {@code SslHandler} for {@code session}'s connection, on the shared context of its role.
   *
   * @throws TlsHandshakeException if the context cannot be built (the provider lacks TLS 1.3) or the
   *     contexts are closed
   */
  SslHandler newHandler(ByteBufAllocator alloc, boolean initiator, TlsSession session) {
    return context(initiator).newHandler(alloc, session.token(), -1);
  }

  /** The shared context of a role, built on the first call. */
  synchronized SslContext context(boolean initiator) {
    if (closed) {
      throw new TlsHandshakeException("the TLS contexts are closed (the transport is closing)");
    }
    if (initiator) {
      if (client == null) {
        client = build(true);
      }
      return client;
    }
    if (server == null) {
      server = build(false);
    }
    return server;
  }

  private SslContext build(boolean initiator) {
    List<String> alpn = new ArrayList<>(muxers);
    alpn.add(TlsHandshake.ALPN_LIBP2P);
    SslContextBuilder builder = initiator
        ? SslContextBuilder.forClient().keyManager(keyManager).endpointIdentificationAlgorithm(null)
        : SslContextBuilder.forServer(keyManager).clientAuth(ClientAuth.REQUIRE);
    builder.sslProvider(openSsl ? SslProvider.OPENSSL_REFCNT : SslProvider.JDK)
        .protocols(TLS13)
        .trustManager(trustManager)
        .sessionCacheSize(1)
        .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            // The only failure behaviours both providers support: no overlap means no ALPN, which
            // falls back to multistream-select for the muxer.
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
    try {
      return builder.build();
    } catch (SSLException | RuntimeException e) {
      throw new TlsHandshakeException("could not set up TLS 1.3 with the " + (openSsl ? "OpenSSL" : "JDK")
          + " provider: " + e.getMessage(), e);
    }
  }

  /** Releases the contexts; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    pool.close();
    // A BoringSSL context is reference counted (each engine holds its own reference); the JDK's is not.
    ReferenceCountUtil.release(client);
    ReferenceCountUtil.release(server);
    client = null;
    server = null;
  }
}
