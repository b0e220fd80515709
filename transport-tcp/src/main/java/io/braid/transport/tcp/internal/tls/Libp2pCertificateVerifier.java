package io.braid.transport.tcp.internal.tls;

import io.braid.api.PeerId;
import io.braid.api.PeerIdMismatchException;
import io.braid.identity.PublicKey;
import io.braid.identity.PublicKeys;
import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * Checks a peer's libp2p TLS certificate chain (libp2p/specs tls/tls.md) and names the peer it proves.
 *
 * <p>In order, each failure a {@link TlsHandshakeException} whose message names it: exactly one
 * certificate; within its validity period at {@code now}; self-signed (issuer equals subject and the
 * signature verifies with the certificate's own key); no critical extension but the libp2p one and the
 * standard ones the JDK enforces itself (basic constraints, key usage, extended key usage, subject
 * alternative name); the libp2p extension ({@value Libp2pCertificate#EXTENSION_OID}) present, a DER
 * {@code SEQUENCE} of exactly two {@code OCTET STRING}s and nothing after it; its public key a valid libp2p
 * key of a supported type (Ed25519, secp256k1, ECDSA, RSA); its signature valid over
 * {@value Libp2pCertificate#SIGNATURE_PREFIX} and the certificate's SubjectPublicKeyInfo. Then, when an
 * expected peer is given, the key's peer id must equal it ({@link PeerIdMismatchException} otherwise).
 *
 * <p>The certificate is read from its DER encoding ({@link X509Certificate#getEncoded()}) with bouncycastle,
 * never with the JDK's parser, which refuses an empty issuer name (js-libp2p's certificates have one) and
 * which the OpenSSL provider's lazily parsed certificates would call. The JDK's own TLS provider parses the
 * peer's certificate itself before any trust manager runs, so it cannot accept such certificates at all.
 *
 * <p>Stateless and thread-safe. No exception but those two escapes for any input.
 */
public final class Libp2pCertificateVerifier {
  private static final Set<String> UNDERSTOOD_CRITICAL = Set.of(
      Libp2pCertificate.EXTENSION_OID,
      "2.5.29.15", // key usage
      "2.5.29.17", // subject alternative name
      "2.5.29.19", // basic constraints
      "2.5.29.37"); // extended key usage

  private static final BcECContentVerifierProviderBuilder EC_VERIFIERS =
      new BcECContentVerifierProviderBuilder(new DefaultDigestAlgorithmIdentifierFinder());

  /** The peer a certificate proves, and its key. */
  public record Verified(PeerId peerId, PublicKey publicKey) {}

  private Libp2pCertificateVerifier() {}

  /**
   * Verifies {@code chain} as the class documentation says.
   *
   * @param expectedPeer the peer dialed, or null to accept any peer that proves its key
   * @throws TlsHandshakeException if the chain is not a valid libp2p certificate
   * @throws PeerIdMismatchException if it proves another peer than {@code expectedPeer}
   */
  public static Verified verify(X509Certificate[] chain, PeerId expectedPeer, Instant now) {
    Objects.requireNonNull(now, "now");
    if (chain == null || chain.length != 1) {
      throw new TlsHandshakeException("the peer must present exactly one certificate, it presented "
          + (chain == null ? 0 : chain.length));
    }
    // Parsed from its DER with bouncycastle: the JDK refuses certificates with an empty issuer (js-libp2p
    // makes those), and the OpenSSL provider hands over certificates that parse lazily with the JDK.
    X509CertificateHolder cert;
    try {
      cert = new X509CertificateHolder(chain[0].getEncoded());
    } catch (IOException | CertificateEncodingException | RuntimeException e) {
      throw new TlsHandshakeException("the peer's certificate is not a DER X.509 certificate: " + e.getMessage(), e);
    }
    if (!cert.isValidOn(Date.from(now))) {
      throw new TlsHandshakeException("the peer's certificate is outside its validity period ("
          + cert.getNotBefore().toInstant() + " to " + cert.getNotAfter().toInstant() + ", now " + now + ")");
    }
    if (!cert.getIssuer().equals(cert.getSubject())) {
      throw new TlsHandshakeException("the peer's certificate is not self-signed: issuer "
          + cert.getIssuer() + " differs from subject " + cert.getSubject());
    }
    byte[] spki;
    boolean selfSigned;
    try {
      spki = cert.getSubjectPublicKeyInfo().getEncoded("DER");
      String algorithm = keyAlgorithm(cert.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm().getId());
      if (algorithm.equals("EC")) {
        // Bouncycastle's P-256 verifies several times faster than JDK 17's, on the handshake's path.
        selfSigned = cert.isSignatureValid(EC_VERIFIERS.build(cert));
      } else {
        java.security.PublicKey certKey = java.security.KeyFactory.getInstance(algorithm)
            .generatePublic(new java.security.spec.X509EncodedKeySpec(spki));
        selfSigned = cert.isSignatureValid(new JcaContentVerifierProviderBuilder().build(certKey));
      }
    } catch (IOException | OperatorCreationException | CertException | java.security.GeneralSecurityException
        | RuntimeException e) {
      throw new TlsHandshakeException("the peer's certificate is not self-signed: its signature does not "
          + "verify with its own key (" + e.getMessage() + ")", e);
    }
    if (!selfSigned) {
      throw new TlsHandshakeException("the peer's certificate is not self-signed: its signature does not "
          + "verify with its own key");
    }
    Set<String> critical = new HashSet<>();
    for (Object oid : cert.getCriticalExtensionOIDs()) {
      critical.add(oid.toString());
    }
    critical.removeAll(UNDERSTOOD_CRITICAL);
    if (!critical.isEmpty()) {
      throw new TlsHandshakeException("the peer's certificate has unknown critical extensions " + new TreeSet<>(critical));
    }
    Extension extension = cert.getExtension(new ASN1ObjectIdentifier(Libp2pCertificate.EXTENSION_OID));
    if (extension == null) {
      throw new TlsHandshakeException("the peer's certificate lacks the libp2p public key extension "
          + Libp2pCertificate.EXTENSION_OID);
    }
    byte[] wrapped;
    try {
      wrapped = extension.getExtnValue().getEncoded("DER");
    } catch (IOException e) {
      throw new TlsHandshakeException("the libp2p extension of the peer's certificate does not encode", e);
    }
    byte[][] fields = parseExtension(wrapped);
    PublicKey key;
    try {
      key = PublicKeys.unmarshal(fields[0]);
    } catch (IllegalArgumentException e) {
      throw new TlsHandshakeException("the libp2p public key in the peer's certificate is not a supported key: "
          + e.getMessage(), e);
    }
    byte[] signed = Libp2pCertificate.signedData(spki);
    boolean valid;
    try {
      valid = key.verify(signed, fields[1]);
    } catch (RuntimeException e) {
      valid = false;
    }
    if (!valid) {
      throw new TlsHandshakeException("the libp2p signature in the peer's certificate does not verify: the "
          + key.type() + " key did not sign the certificate's public key");
    }
    PeerId peer = key.toPeerId();
    if (expectedPeer != null && !expectedPeer.equals(peer)) {
      throw new PeerIdMismatchException(expectedPeer, peer);
    }
    return new Verified(peer, key);
  }

  /** The JCA name of a SubjectPublicKeyInfo algorithm OID (EC, RSA, Ed25519); the OID itself otherwise. */
  private static String keyAlgorithm(String oid) {
    return switch (oid) {
      case "1.2.840.10045.2.1" -> "EC";
      case "1.2.840.113549.1.1.1" -> "RSA";
      case "1.3.101.112" -> "Ed25519";
      default -> oid;
    };
  }

  private static byte[][] parseExtension(byte[] wrapped) {
    try {
      ASN1Primitive outer = ASN1Primitive.fromByteArray(wrapped);
      ASN1Primitive inner = ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(outer).getOctets());
      ASN1Sequence sequence = ASN1Sequence.getInstance(inner);
      if (sequence.size() != 2) {
        throw new TlsHandshakeException("the libp2p extension of the peer's certificate must hold 2 fields, it holds "
            + sequence.size());
      }
      return new byte[][] {
          ASN1OctetString.getInstance(sequence.getObjectAt(0)).getOctets(),
          ASN1OctetString.getInstance(sequence.getObjectAt(1)).getOctets()};
    } catch (IOException | RuntimeException e) {
      if (e instanceof TlsHandshakeException t) {
        throw t;
      }
      throw new TlsHandshakeException("the libp2p extension of the peer's certificate is not a DER SEQUENCE of "
          + "two OCTET STRINGs: " + e.getMessage(), e);
    }
  }
}
