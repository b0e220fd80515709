package io.braid.transport.tcp.internal.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The key manager of a transport's libp2p TLS contexts: hands each {@link SSLEngine} the certificate of its
 * own connection. The alias it chooses is the engine's peer host, the token of the connection's {@link
 * TlsSession} (see {@link TlsContexts}); the certificate and key of that alias are the session's, made fresh
 * for that connection on the first request. Both providers ask per engine: the JDK's through {@code
 * chooseEngine*Alias} with its own engine, BoringSSL through Netty's {@code OpenSslKeyMaterialManager} in
 * the handshake's certificate callback.
 *
 * <p>Only the certificate's key type is offered (always EC for the certificates Braid makes: a provider
 * asking for RSA first is told no and asks for EC next). Sockets are never used: those methods choose
 * nothing. Thread-safe.
 */
final class Libp2pKeyManager extends X509ExtendedKeyManager {
  private final Function<String, TlsSession> sessions;

  /** @param sessions the session of a token, or null if none runs */
  Libp2pKeyManager(Function<String, TlsSession> sessions) {
    this.sessions = Objects.requireNonNull(sessions, "sessions");
  }

  private TlsSession session(SSLEngine engine) {
    return engine == null || engine.getPeerHost() == null ? null : sessions.apply(engine.getPeerHost());
  }

  /** Whether the session's key is of {@code keyType} ("EC", or OpenSSL's "EC_EC" / "EC_RSA"). */
  private static boolean matches(TlsSession session, String keyType) {
    if (keyType == null) {
      return false;
    }
    String algorithm = session.key().privateKey().getAlgorithm();
    return keyType.equals(algorithm) || (algorithm.equals("EC") && keyType.startsWith("EC_"));
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    TlsSession session = session(engine);
    if (session == null) {
      return null;
    }
    if (keyTypes == null || keyTypes.length == 0) {
      return session.token();
    }
    for (String type : keyTypes) {
      if (matches(session, type)) {
        return session.token();
      }
    }
    return null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    TlsSession session = session(engine);
    return session != null && matches(session, keyType) ? session.token() : null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    TlsSession session = alias == null ? null : sessions.apply(alias);
    return session == null ? null : new X509Certificate[] {session.key().certificate()};
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    TlsSession session = alias == null ? null : sessions.apply(alias);
    return session == null ? null : session.key().privateKey();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
