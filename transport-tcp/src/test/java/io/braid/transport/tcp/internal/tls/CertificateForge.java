package io.braid.transport.tcp.internal.tls;

import io.braid.api.HostIdentity;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds libp2p TLS certificates, good and bad, with bouncycastle: each setter spoils one thing. Start from
 * {@link #forIdentity(HostIdentity)} (a certificate as {@link Libp2pCertificate#generate} makes it).
 */
final class CertificateForge {
  private final KeyPair key = newKey();
  private PrivateKey signer = key.getPrivate();
  private X500Name issuer = new X500Name("SN=1");
  private Instant notBefore = Instant.now().minus(Duration.ofHours(1));
  private Instant notAfter = Instant.now().plus(Duration.ofDays(365));
  private byte[] extension;
  private boolean critical = true;
  private final List<Object[]> extras = new ArrayList<>();

  private CertificateForge() {}

  /** A valid certificate whose extension {@code identity} signed. */
  static CertificateForge forIdentity(HostIdentity identity) {
    CertificateForge f = new CertificateForge();
    f.extension = Libp2pCertificate.extensionValue(identity.publicKey(),
        identity.sign(Libp2pCertificate.signedData(f.key.getPublic().getEncoded())));
    return f;
  }

  static KeyPair newKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The certificate's public key, DER SubjectPublicKeyInfo. */
  byte[] subjectPublicKeyInfo() {
    return key.getPublic().getEncoded();
  }

  CertificateForge signedBy(PrivateKey other) {
    this.signer = other;
    return this;
  }

  CertificateForge issuer(String name) {
    this.issuer = new X500Name(name);
    return this;
  }

  CertificateForge validity(Instant from, Instant to) {
    this.notBefore = from;
    this.notAfter = to;
    return this;
  }

  /** The libp2p extension's DER value; null leaves the extension out. */
  CertificateForge extension(byte[] value) {
    this.extension = value;
    return this;
  }

  CertificateForge critical(boolean isCritical) {
    this.critical = isCritical;
    return this;
  }

  CertificateForge extra(String oid, boolean isCritical, byte[] derValue) {
    extras.add(new Object[] {oid, isCritical, derValue});
    return this;
  }

  Libp2pCertificate.CertifiedKey build() {
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(4242),
          Date.from(notBefore), Date.from(notAfter), new X500Name("SN=1"), key.getPublic());
      if (extension != null) {
        b.addExtension(new ASN1ObjectIdentifier(Libp2pCertificate.EXTENSION_OID), critical, extension);
      }
      for (Object[] e : extras) {
        b.addExtension(new ASN1ObjectIdentifier((String) e[0]), (Boolean) e[1], (byte[]) e[2]);
      }
      return new Libp2pCertificate.CertifiedKey(new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer))), key.getPrivate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
