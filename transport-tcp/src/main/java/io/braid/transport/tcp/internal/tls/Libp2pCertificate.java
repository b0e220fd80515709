package io.braid.transport.tcp.internal.tls;

import io.braid.api.HostIdentity;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;

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
  private static final ECNamedDomainParameters P256 = new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1,
      CustomNamedCurves.getByOID(SECObjectIdentifiers.secp256r1));
  private static final AlgorithmIdentifier SHA256_WITH_ECDSA =
      new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
  private static final AlgorithmIdentifier SHA256 = new DefaultDigestAlgorithmIdentifierFinder().find(SHA256_WITH_ECDSA);

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
    // Bouncycastle's P-256 (key and certificate signature) is several times faster than JDK 17's, and this
    // runs once per connection; the TLS providers get the key as a JCA key.
    ECKeyPairGenerator generator = new ECKeyPairGenerator();
    generator.init(new ECKeyGenerationParameters(P256, RANDOM));
    AsymmetricCipherKeyPair pair = generator.generateKeyPair();
    Instant now = Instant.now();
    try {
      SubjectPublicKeyInfo spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pair.getPublic());
      byte[] extension = extensionValue(identity.publicKey(), identity.sign(signedData(spki.getEncoded("DER"))));
      X500Name name = new X500Name("SN=1");
      X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name, new BigInteger(64, RANDOM).setBit(62),
          Date.from(now.minus(BACKDATE)), Date.from(now.plus(VALIDITY)), name, spki);
      builder.addExtension(new ASN1ObjectIdentifier(EXTENSION_OID), true, extension);
      X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(
          new BcECContentSignerBuilder(SHA256_WITH_ECDSA, SHA256).setSecureRandom(RANDOM).build(pair.getPrivate())));
      PrivateKey key = java.security.KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
          PrivateKeyInfoFactory.createPrivateKeyInfo(pair.getPrivate()).getEncoded("DER")));
      return new CertifiedKey(certificate, key);
    } catch (IOException | OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException("could not build a libp2p TLS certificate", e);
    }
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

}
