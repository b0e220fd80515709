package io.braid.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Which TLS providers a test can run on here. */
final class TlsTestSupport {
  private TlsTestSupport() {}

  /** Linux on x86-64: the platform whose BoringSSL the build ships, where it must load. */
  static boolean shipsBoringSsl() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  /** Fails where the build ships BoringSSL and it does not load; skips the test elsewhere. */
  static void assumeOrRequireOpenSsl() {
    if (shipsBoringSsl()) {
      assertTrue(TcpTransport.openSslAvailable(), "netty-tcnative-boringssl-static should load on linux-x86_64");
    }
    assumeTrue(TcpTransport.openSslAvailable(), "BoringSSL does not load on this platform");
  }

  /** JDK, and OPENSSL where it loads. */
  static List<TlsProvider> providers() {
    List<TlsProvider> all = new ArrayList<>(List.of(TlsProvider.JDK));
    if (TcpTransport.openSslAvailable() || shipsBoringSsl()) {
      all.add(TlsProvider.OPENSSL);
    }
    return all;
  }
}
