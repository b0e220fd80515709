package io.braid.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.RSADigestSigner;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Our signatures against a second, independent implementation, using the official vector keys: the
 * JDK's for Ed25519 and P-256 (which we sign with bouncycastle), bouncycastle's for RSA (which we sign
 * with the JDK), and bouncycastle's ECDSA verifier for secp256k1, which the JDK lacks.
 */
@DisplayName("Signatures cross-checked against a second implementation")
class CrossCheckTest {
  private static final byte[] MESSAGE = "cross-check".getBytes(StandardCharsets.UTF_8);

  private static PrivateKey vectorKey(KeyType type) {
    return PrivateKeys.unmarshal(Vectors.hexValue(Vectors.keyVector(type), "private_key_protobuf_hex"));
  }

  /** The {@code Data} field of a marshalled private key (type and length prefix stripped). */
  private static byte[] privateData(PrivateKey key) {
    byte[] m = key.marshal();
    int pos = 3; // 08 <type> 12
    int len = 0;
    int shift = 0;
    while ((m[pos] & 0x80) != 0) {
      len |= (m[pos++] & 0x7F) << shift;
      shift += 7;
    }
    len |= m[pos++] << shift;
    assertEquals(m.length, pos + len);
    return Arrays.copyOfRange(m, pos, m.length);
  }

  @Test
  void ed25519SignaturesMatchTheJdksByteForByteAndVerifyBothWays() throws Exception {
    PrivateKey key = vectorKey(KeyType.ED25519);
    byte[] seed = Arrays.copyOf(privateData(key), 32);
    java.security.PrivateKey jdkPrivate = KeyFactory.getInstance("Ed25519")
        .generatePrivate(new PKCS8EncodedKeySpec(concat(Vectors.hex("302e020100300506032b657004220420"), seed)));
    java.security.PublicKey jdkPublic = KeyFactory.getInstance("Ed25519")
        .generatePublic(new X509EncodedKeySpec(concat(Vectors.hex("302a300506032b6570032100"), key.publicKey().raw())));
    for (byte[] message : messages()) {
      Signature signer = Signature.getInstance("Ed25519");
      signer.initSign(jdkPrivate);
      signer.update(message);
      byte[] jdkSignature = signer.sign();
      // Ed25519 is deterministic: two implementations must produce the identical signature.
      assertArrayEquals(jdkSignature, key.sign(message));
      assertTrue(key.publicKey().verify(message, jdkSignature));
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(jdkPublic);
      verifier.update(message);
      assertTrue(verifier.verify(key.sign(message)));
    }
  }

  @Test
  void ecdsaP256SignaturesVerifyInTheJdkAndTheJdksVerifyHere() throws Exception {
    PrivateKey key = vectorKey(KeyType.ECDSA);
    java.security.PublicKey jdkPublic =
        KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(key.publicKey().raw()));
    // The scalar sits at bytes 7..39 of the SEC1 structure: 30 77 02 01 01 04 20 <d>.
    BigInteger d = new BigInteger(1, Arrays.copyOfRange(privateData(key), 7, 39));
    java.security.PrivateKey jdkPrivate =
        KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d, ((ECPublicKey) jdkPublic).getParams()));
    for (byte[] message : messages()) {
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(jdkPublic);
      verifier.update(message);
      assertTrue(verifier.verify(key.sign(message)));
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(jdkPrivate);
      signer.update(message);
      assertTrue(key.publicKey().verify(message, signer.sign()));
    }
  }

  private static byte[][] messages() {
    return new byte[][] {new byte[0], MESSAGE, new byte[1000]};
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void secp256k1SignaturesVerifyInBouncycastlesSignerAndAreLowS() throws Exception {
    PrivateKey key = vectorKey(KeyType.SECP256K1);
    X9ECParameters x9 = CustomNamedCurves.getByName("secp256k1");
    ECDomainParameters domain = new ECDomainParameters(x9.getCurve(), x9.getG(), x9.getN(), x9.getH());
    ECPublicKeyParameters bcPublic =
        new ECPublicKeyParameters(x9.getCurve().decodePoint(key.publicKey().raw()), domain);
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(MESSAGE);
    for (int i = 0; i < 8; i++) {
      byte[] message = (new String(MESSAGE, StandardCharsets.UTF_8) + i).getBytes(StandardCharsets.UTF_8);
      ASN1Sequence ours = ASN1Sequence.getInstance(key.sign(message));
      BigInteger s = ASN1Integer.getInstance(ours.getObjectAt(1)).getValue();
      assertTrue(s.compareTo(x9.getN().shiftRight(1)) <= 0, "s is low (go-libp2p's form)");
      ECDSASigner verifier = new ECDSASigner();
      verifier.init(false, bcPublic);
      assertTrue(verifier.verifySignature(
          MessageDigest.getInstance("SHA-256").digest(message),
          ASN1Integer.getInstance(ours.getObjectAt(0)).getValue(), s));
    }

    // A high-S signature (n - s) from bouncycastle is still accepted: libp2p does not forbid it.
    ECDSASigner signer = new ECDSASigner();
    signer.init(true, new ECPrivateKeyParameters(new BigInteger(1, privateData(key)), domain));
    BigInteger[] rs = signer.generateSignature(digest);
    BigInteger high = rs[1].compareTo(x9.getN().shiftRight(1)) > 0 ? rs[1] : x9.getN().subtract(rs[1]);
    byte[] der = new DERSequence(new ASN1Integer[] {new ASN1Integer(rs[0]), new ASN1Integer(high)}).getEncoded();
    assertTrue(key.publicKey().verify(MESSAGE, der));
  }

  @Test
  void rsaSignaturesOfTheJdkVerifyInBouncycastle() throws Exception {
    PrivateKey key = vectorKey(KeyType.RSA);
    RSAKeyParameters bcPublic = (RSAKeyParameters) PublicKeyFactory.createKey(key.publicKey().raw());
    assertEquals(4096, bcPublic.getModulus().bitLength());
    RSADigestSigner verifier = new RSADigestSigner(new SHA256Digest());
    verifier.init(false, bcPublic);
    verifier.update(MESSAGE, 0, MESSAGE.length);
    assertTrue(verifier.verifySignature(key.sign(MESSAGE)));
  }
}
