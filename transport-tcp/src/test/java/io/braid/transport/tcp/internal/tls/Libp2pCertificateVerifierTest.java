package io.braid.transport.tcp.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.PeerIdMismatchException;
import io.braid.identity.Identity;
import io.braid.identity.KeyType;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each rule of the libp2p certificate check, on certificates crafted to break exactly that rule. */
class Libp2pCertificateVerifierTest {
  private final Identity identity = Identity.generate();
  private final Instant now = Instant.now();

  private static X509Certificate[] chain(Libp2pCertificate.CertifiedKey k) {
    return new X509Certificate[] {k.certificate()};
  }

  private TlsHandshakeException rejects(Libp2pCertificate.CertifiedKey k, String messagePart) {
    TlsHandshakeException e = assertThrows(TlsHandshakeException.class,
        () -> Libp2pCertificateVerifier.verify(chain(k), null, now));
    assertTrue(e.getMessage().contains(messagePart), "message \"" + e.getMessage() + "\" lacks \"" + messagePart + "\"");
    return e;
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void aGeneratedCertificateProvesItsHostsPeerIdForEveryKeyType(KeyType type) {
    Identity host = Identity.generate(type);
    Libp2pCertificate.CertifiedKey k = Libp2pCertificate.generate(host);

    Libp2pCertificateVerifier.Verified v = Libp2pCertificateVerifier.verify(chain(k), host.peerId(), now);

    assertEquals(host.peerId(), v.peerId());
    assertEquals(type, v.publicKey().type());
    assertEquals(Instant.now().minus(Libp2pCertificate.BACKDATE).getEpochSecond(),
        k.certificate().getNotBefore().toInstant().getEpochSecond(), 60, "backdated one hour");
    assertEquals(k.certificate().getSubjectX500Principal(), k.certificate().getIssuerX500Principal());
    assertEquals(java.util.Set.of(Libp2pCertificate.EXTENSION_OID), k.certificate().getCriticalExtensionOIDs());
    assertTrue(k.certificate().getNonCriticalExtensionOIDs() == null
        || k.certificate().getNonCriticalExtensionOIDs().isEmpty(), "the libp2p extension is the only one");
  }

  @Test
  void eachConnectionGetsAFreshKey() {
    assertTrue(!java.util.Arrays.equals(Libp2pCertificate.generate(identity).certificate().getPublicKey().getEncoded(),
        Libp2pCertificate.generate(identity).certificate().getPublicKey().getEncoded()));
  }

  @Test
  void notExactlyOneCertificateIsRejected() {
    Libp2pCertificate.CertifiedKey k = CertificateForge.forIdentity(identity).build();
    for (X509Certificate[] c : new X509Certificate[][] {null, {}, {k.certificate(), k.certificate()}}) {
      TlsHandshakeException e = assertThrows(TlsHandshakeException.class,
          () -> Libp2pCertificateVerifier.verify(c, null, now));
      assertTrue(e.getMessage().contains("exactly one certificate"), e.getMessage());
    }
  }

  @Test
  void anExpiredOrNotYetValidCertificateIsRejected() {
    rejects(CertificateForge.forIdentity(identity).validity(now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)))
        .build(), "outside its validity period");
    rejects(CertificateForge.forIdentity(identity).validity(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(2)))
        .build(), "outside its validity period");
  }

  @Test
  void aCertificateIssuedBySomeoneElseIsRejected() {
    rejects(CertificateForge.forIdentity(identity).issuer("CN=some authority").build(),
        "not self-signed: issuer CN=some authority differs from subject");
  }

  @Test
  void aCertificateSignedWithAnotherKeyIsRejected() {
    rejects(CertificateForge.forIdentity(identity).signedBy(CertificateForge.newKey().getPrivate()).build(),
        "its signature does not verify with its own key");
  }

  @Test
  void aCertificateWithoutTheLibp2pExtensionIsRejected() {
    rejects(CertificateForge.forIdentity(identity).extension(null).build(),
        "lacks the libp2p public key extension 1.3.6.1.4.1.53594.1.1");
  }

  @Test
  void anUnknownCriticalExtensionIsRejectedAndAnUnknownNonCriticalOneIgnored() throws Exception {
    byte[] nothing = DERNull.INSTANCE.getEncoded();
    rejects(CertificateForge.forIdentity(identity).extra("1.2.3.4.5", true, nothing).build(),
        "unknown critical extensions [1.2.3.4.5]");

    Libp2pCertificate.CertifiedKey k = CertificateForge.forIdentity(identity).extra("1.2.3.4.5", false, nothing).build();
    assertEquals(identity.peerId(), Libp2pCertificateVerifier.verify(chain(k), null, now).peerId());
  }

  @Test
  void aNonCriticalLibp2pExtensionIsStillAccepted() {
    // The spec makes it critical; go and js accept it either way, so does Braid.
    Libp2pCertificate.CertifiedKey k = CertificateForge.forIdentity(identity).critical(false).build();
    assertEquals(identity.peerId(), Libp2pCertificateVerifier.verify(chain(k), null, now).peerId());
  }

  @Test
  void aSignatureOverAnotherKeyIsRejected() {
    byte[] otherSpki = CertificateForge.newKey().getPublic().getEncoded();
    byte[] value = Libp2pCertificate.extensionValue(identity.publicKey(),
        identity.sign(Libp2pCertificate.signedData(otherSpki)));
    rejects(CertificateForge.forIdentity(identity).extension(value).build(),
        "the libp2p signature in the peer's certificate does not verify");
  }

  @Test
  void aSignatureWithoutThePrefixIsRejected() {
    CertificateForge forge = CertificateForge.forIdentity(identity);
    byte[] value = Libp2pCertificate.extensionValue(identity.publicKey(), identity.sign(forge.subjectPublicKeyInfo()));
    rejects(forge.extension(value).build(), "does not verify");
  }

  @Test
  void anotherHostsKeyWithThisHostsSignatureIsRejected() {
    CertificateForge forge = CertificateForge.forIdentity(identity);
    byte[] value = Libp2pCertificate.extensionValue(Identity.generate().publicKey(),
        identity.sign(Libp2pCertificate.signedData(forge.subjectPublicKeyInfo())));
    rejects(forge.extension(value).build(), "does not verify");
  }

  @Test
  void aMalformedExtensionIsRejected() throws Exception {
    byte[] one = new DERSequence(new DEROctetString(identity.publicKey())).getEncoded();
    rejects(CertificateForge.forIdentity(identity).extension(one).build(), "must hold 2 fields, it holds 1");
    byte[] notOctets = new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
        DERNull.INSTANCE, DERNull.INSTANCE}).getEncoded();
    rejects(CertificateForge.forIdentity(identity).extension(notOctets).build(), "not a DER SEQUENCE of two OCTET STRINGs");
    byte[] good = Libp2pCertificate.extensionValue(identity.publicKey(), new byte[64]);
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 2);
    rejects(CertificateForge.forIdentity(identity).extension(trailing).build(), "not a DER SEQUENCE of two OCTET STRINGs");
    rejects(CertificateForge.forIdentity(identity).extension(new byte[] {0x30}).build(),
        "not a DER SEQUENCE of two OCTET STRINGs");
  }

  @Test
  void aKeyOfAnUnsupportedTypeIsRejected() {
    // protobuf PublicKey { Type: 9, Data: 32 bytes }: no such key type.
    byte[] key = new byte[36];
    key[0] = 0x08;
    key[1] = 9;
    key[2] = 0x12;
    key[3] = 32;
    byte[] value = Libp2pCertificate.extensionValue(key, new byte[64]);
    rejects(CertificateForge.forIdentity(identity).extension(value).build(),
        "the libp2p public key in the peer's certificate is not a supported key");
  }

  @Test
  void theWrongPeerIsReportedAsPeerIdMismatch() {
    Identity expected = Identity.generate();
    Libp2pCertificate.CertifiedKey k = Libp2pCertificate.generate(identity);

    PeerIdMismatchException e = assertThrows(PeerIdMismatchException.class,
        () -> Libp2pCertificateVerifier.verify(chain(k), expected.peerId(), now));

    assertEquals(expected.peerId(), e.expected());
    assertEquals(identity.peerId(), e.actual());
  }

  @Test
  void theTrustManagerRecordsTheVerdictInTheSessionOfTheEnginesTokenAndWrapsIt() throws Exception {
    Identity expected = Identity.generate();
    TlsSession session = new TlsSession("t-1", expected.peerId(), () -> Libp2pCertificate.generate(identity));
    Libp2pTrustManager tm = new Libp2pTrustManager(t -> t.equals("t-1") ? session : null,
        java.time.Clock.systemUTC());
    javax.net.ssl.SSLEngine engine = javax.net.ssl.SSLContext.getDefault().createSSLEngine("t-1", -1);

    java.security.cert.CertificateException e = assertThrows(java.security.cert.CertificateException.class,
        () -> tm.checkServerTrusted(chain(Libp2pCertificate.generate(identity)), "ECDHE_ECDSA", engine));
    assertSame(session.failure(), e.getCause());
    assertInstanceOf(PeerIdMismatchException.class, session.failure());
    assertEquals(null, session.verified());
    assertEquals(0, tm.getAcceptedIssuers().length);
  }

  @Test
  void theTrustManagerRefusesAnEngineWithoutASessionAndChecksWithoutAnEngine() throws Exception {
    Libp2pTrustManager tm = new Libp2pTrustManager(t -> null, java.time.Clock.systemUTC());
    javax.net.ssl.SSLEngine engine = javax.net.ssl.SSLContext.getDefault().createSSLEngine("t-9", -1);
    java.security.cert.X509Certificate[] good = chain(Libp2pCertificate.generate(identity));

    java.security.cert.CertificateException e = assertThrows(java.security.cert.CertificateException.class,
        () -> tm.checkClientTrusted(good, "ECDHE_ECDSA", engine));
    assertTrue(e.getMessage().contains("no libp2p TLS handshake"), e.getMessage());
    assertThrows(java.security.cert.CertificateException.class, () -> tm.checkClientTrusted(good, "ECDHE_ECDSA"));
    assertThrows(java.security.cert.CertificateException.class, () -> tm.checkServerTrusted(good, "ECDHE_ECDSA"));
  }
}
