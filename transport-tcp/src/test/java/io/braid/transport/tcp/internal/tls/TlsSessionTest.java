package io.braid.transport.tcp.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.identity.Identity;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A handshake's session: its certificate made once, on first use, and dropped when the handshake ends. */
class TlsSessionTest {
  private final Identity identity = Identity.generate();

  @Test
  void theCertificateIsMadeOnFirstUseOnlyOnceAndDroppedWhenTheHandshakeEnds() {
    AtomicInteger made = new AtomicInteger();
    TlsSession session = new TlsSession("t-1", null, () -> {
      made.incrementAndGet();
      return Libp2pCertificate.generate(identity);
    });
    assertEquals(0, made.get(), "nothing made before the provider asks");

    Libp2pCertificate.CertifiedKey first = session.key();
    assertSame(first, session.key());
    assertEquals(1, made.get());

    session.end();
    session.end();
    IllegalStateException e = assertThrows(IllegalStateException.class, session::key);
    assertTrue(e.getMessage().contains("t-1"), e.getMessage());
    assertEquals(1, made.get(), "no certificate is made after the end");
  }
}
