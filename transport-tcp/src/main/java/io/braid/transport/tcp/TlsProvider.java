package io.braid.transport.tcp;

/**
 * The TLS implementation under {@link SecurityProtocol#TLS}: both run Netty's {@code SslHandler}, with the
 * same certificates and checks; they differ only in who does the record cryptography.
 */
public enum TlsProvider {
  /** The JDK's own provider (SunJSSE): always available. */
  JDK,
  /**
   * BoringSSL through netty-tcnative-boringssl-static, where its native library loads
   * ({@link TcpTransport#openSslAvailable()}); a transport asked for it elsewhere fails to build.
   */
  OPENSSL
}
