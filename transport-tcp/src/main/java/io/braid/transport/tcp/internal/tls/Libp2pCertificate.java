package io.braid.transport.tcp.internal.tls;

import io.braid.api.HostIdentity;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The self-signed certificate of the libp2p TLS handshake (libp2p/specs tls/tls.md): a fresh ECDSA P-256
 * key signs a certificate that carries, in the critical extension {@value #EXTENSION_OID}, the DER
 * {@code SEQUENCE { publicKey OCTET STRING, signature OCTET STRING }}: the host's libp2p public key (protobuf
 * encoding) and its signature over {@value #SIGNATURE_PREFIX} followed by the certificate's DER
 * SubjectPublicKeyInfo. That extension is the certificate's only one (js-libp2p reads the first extension).
 * Valid from one hour ago for 100 years, as go-libp2p and js-libp2p make theirs.
 *
 * <p>Stateless and thread-safe; arguments must not be null.
 */
public final class Libp2pCertificate {
  /** The libp2p public-key extension. */
  public static final String EXTENSION_OID = "1.3.6.1.4.1.53594.1.1";
  /** What precedes the SubjectPublicKeyInfo in the signed data. */
  public static final String SIGNATURE_PREFIX = "libp2p-tls-handshake:";

  static final Duration BACKDATE = Duration.ofHours(1);
  static final Duration VALIDITY = Duration.ofDays(100 * 365);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A certificate and the private key of its subject public key. */
  public record CertifiedKey(X509Certificate certificate, PrivateKey privateKey) {
    public CertifiedKey {
      Objects.requireNonNull(certificate, "certificate");
      Objects.requireNonNull(privateKey, "privateKey");
    }
  }

  private Libp2pCertificate() {}

  /**
   * A fresh key and certificate for one connection, its extension signed by {@code identity}.
   *
   * @throws IllegalStateException if the JDK cannot make a P-256 key or an ECDSA signature (it always can)
   * @throws UnsupportedOperationException if {@code identity} cannot sign
   */
  public static CertifiedKey generate(HostIdentity identity) {
    Objects.requireNonNull(identity, "identity");
    KeyPair ephemeral = ephemeralKey();
    Instant now = Instant.now();
    byte[] spki = ephemeral.getPublic().getEncoded();
    byte[] extension = extensionValue(identity.publicKey(), identity.sign(signedData(spki)));
    return build(ephemeral, extension, now.minus(BACKDATE), now.plus(VALIDITY), true);
  }

  /** {@value #SIGNATURE_PREFIX} followed by {@code subjectPublicKeyInfo}: what the host key signs. */
  public static byte[] signedData(byte[] subjectPublicKeyInfo) {
    byte[] prefix = SIGNATURE_PREFIX.getBytes(StandardCharsets.US_ASCII);
    byte[] data = new byte[prefix.length + subjectPublicKeyInfo.length];
    System.arraycopy(prefix, 0, data, 0, prefix.length);
    System.arraycopy(subjectPublicKeyInfo, 0, data, prefix.length, subjectPublicKeyInfo.length);
    return data;
  }

  /** The DER {@code SEQUENCE { OCTET STRING publicKey, OCTET STRING signature }} of the extension. */
  public static byte[] extensionValue(byte[] libp2pPublicKey, byte[] signature) {
    try {
      return new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
          new DEROctetString(libp2pPublicKey), new DEROctetString(signature)}).getEncoded("DER");
    } catch (IOException e) {
      throw new IllegalStateException("could not encode the libp2p certificate extension", e);
    }
  }

  /** A fresh ECDSA P-256 key pair from the JDK's provider. */
  private static KeyPair ephemeralKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate a P-256 key", e);
    }
  }

  private static CertifiedKey build(KeyPair key, byte[] extensionValue, Instant notBefore, Instant notAfter,
      boolean critical) {
    try {
      X500Name name = new X500Name("SN=1");
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
          new BigInteger(64, RANDOM).setBit(62), Date.from(notBefore), Date.from(notAfter), name,
          key.getPublic());
      builder.addExtension(new ASN1ObjectIdentifier(EXTENSION_OID), critical, extensionValue);
      X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
      return new CertifiedKey(certificate, key.getPrivate());
    } catch (IOException | OperatorCreationException | CertificateException e) {
      throw new IllegalStateException("could not build a libp2p TLS certificate", e);
    }
  }
}
