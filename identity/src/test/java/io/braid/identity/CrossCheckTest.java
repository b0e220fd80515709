package io.braid.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
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
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.RSADigestSigner;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Our signatures (JDK-made for Ed25519, P-256 and RSA) against bouncycastle's independent
 * implementations, in both directions where both can sign, using the official vector keys.
 */
@DisplayName("Signatures cross-checked against bouncycastle")
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
  void ed25519SignaturesMatchBouncycastleByteForByte() {
    PrivateKey key = vectorKey(KeyType.ED25519);
    byte[] seed = Arrays.copyOf(privateData(key), 32);
    Ed25519Signer bc = new Ed25519Signer();
    bc.init(true, new Ed25519PrivateKeyParameters(seed, 0));
    bc.update(MESSAGE, 0, MESSAGE.length);
    byte[] bcSignature = bc.generateSignature();
    // Ed25519 is deterministic: the JDK and bouncycastle must produce the identical signature.
    assertArrayEquals(bcSignature, key.sign(MESSAGE));
    assertTrue(key.publicKey().verify(MESSAGE, bcSignature));

    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, new Ed25519PublicKeyParameters(key.publicKey().raw(), 0));
    verifier.update(MESSAGE, 0, MESSAGE.length);
    assertTrue(verifier.verifySignature(key.sign(MESSAGE)));
  }

  @Test
  void ecdsaP256SignaturesOfTheJdkVerifyInBouncycastleAndBack() throws Exception {
    PrivateKey key = vectorKey(KeyType.ECDSA);
    X9ECParameters x9 = CustomNamedCurves.getByName("secp256r1");
    ECDomainParameters domain = new ECDomainParameters(x9.getCurve(), x9.getG(), x9.getN(), x9.getH());
    ECPublicKeyParameters bcPublic = (ECPublicKeyParameters) PublicKeyFactory.createKey(key.publicKey().raw());
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(MESSAGE);

    ASN1Sequence ours = ASN1Sequence.getInstance(key.sign(MESSAGE));
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, bcPublic);
    assertTrue(verifier.verifySignature(
        digest, ASN1Integer.getInstance(ours.getObjectAt(0)).getValue(),
        ASN1Integer.getInstance(ours.getObjectAt(1)).getValue()));

    // The scalar sits at bytes 7..39 of the SEC1 structure: 30 77 02 01 01 04 20 <d>.
    BigInteger d = new BigInteger(1, Arrays.copyOfRange(privateData(key), 7, 39));
    ECDSASigner signer = new ECDSASigner();
    signer.init(true, new org.bouncycastle.crypto.params.ParametersWithRandom(
        new ECPrivateKeyParameters(d, domain), new SecureRandom()));
    BigInteger[] rs = signer.generateSignature(digest);
    byte[] der = new DERSequence(new ASN1Integer[] {new ASN1Integer(rs[0]), new ASN1Integer(rs[1])}).getEncoded();
    assertTrue(key.publicKey().verify(MESSAGE, der));
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
