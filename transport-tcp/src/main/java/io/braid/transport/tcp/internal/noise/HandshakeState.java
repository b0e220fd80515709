package io.braid.transport.tcp.internal.noise;

import java.util.Objects;
import java.util.function.Supplier;
import javax.crypto.AEADBadTagException;

/**
 * Noise {@code HandshakeState} (rev 34 section 5.3) for the one pattern libp2p uses,
 * {@code Noise_XX_25519_ChaChaPoly_SHA256}:
 *
 * <pre>
 *   XX:
 *     -&gt; e
 *     &lt;- e, ee, s, es
 *     -&gt; s, se
 * </pre>
 *
 * <p>Design note: only XX without PSKs is needed, so the token sequence is written out per message instead
 * of interpreting pattern strings. The ephemeral key comes from a supplier so vectors can fix it. Each side
 * alternates {@link #writeMessage} and {@link #readMessage} as {@link #isMyTurnToWrite()} says; after the
 * third message {@link #split()} gives the transport ciphers.
 *
 * <p>Not thread-safe. Errors caused by the remote side's bytes are {@link NoiseHandshakeException}s; calls
 * out of turn are {@link IllegalStateException}s. After any exception the state must be discarded.
 */
final class HandshakeState {
  static final String PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256";
  /** Noise rev 34 section 3: no message may exceed 65535 bytes. */
  static final int MAX_MESSAGE_LENGTH = 65535;
  static final int MESSAGE_COUNT = 3;

  private static final int DH_LEN = X25519.KEY_LENGTH;
  private static final int TAG = CipherState.TAG_LENGTH;

  /** Transport ciphers from this side's point of view. */
  record TransportCiphers(CipherState sender, CipherState receiver) {
    TransportCiphers {
      Objects.requireNonNull(sender, "sender");
      Objects.requireNonNull(receiver, "receiver");
    }
  }

  private final boolean initiator;
  private final SymmetricState symmetric;
  private final NoiseKeyPair s;
  private final Supplier<NoiseKeyPair> ephemeralSource;
  private NoiseKeyPair e;
  private byte[] rs;
  private byte[] re;
  private int messageIndex;
  private boolean split;

  private HandshakeState(
      boolean initiator, byte[] prologue, NoiseKeyPair s, Supplier<NoiseKeyPair> ephemeralSource) {
    this.initiator = initiator;
    this.s = Objects.requireNonNull(s, "static key");
    this.ephemeralSource = Objects.requireNonNull(ephemeralSource, "ephemeralSource");
    this.symmetric = new SymmetricState(PROTOCOL_NAME);
    symmetric.mixHash(Objects.requireNonNull(prologue, "prologue"));
  }

  /** An initiator with a fresh random ephemeral key. */
  static HandshakeState initiator(byte[] prologue, NoiseKeyPair s) {
    return new HandshakeState(true, prologue, s, NoiseKeyPair::generate);
  }

  /** A responder with a fresh random ephemeral key. */
  static HandshakeState responder(byte[] prologue, NoiseKeyPair s) {
    return new HandshakeState(false, prologue, s, NoiseKeyPair::generate);
  }

  /** An initiator with a fixed ephemeral key (test vectors only: reusing an ephemeral key is insecure). */
  static HandshakeState initiator(byte[] prologue, NoiseKeyPair s, NoiseKeyPair fixedEphemeral) {
    Objects.requireNonNull(fixedEphemeral, "fixedEphemeral");
    return new HandshakeState(true, prologue, s, () -> fixedEphemeral);
  }

  /** A responder with a fixed ephemeral key (test vectors only). */
  static HandshakeState responder(byte[] prologue, NoiseKeyPair s, NoiseKeyPair fixedEphemeral) {
    Objects.requireNonNull(fixedEphemeral, "fixedEphemeral");
    return new HandshakeState(false, prologue, s, () -> fixedEphemeral);
  }

  boolean isInitiator() {
    return initiator;
  }

  /** Whether all three messages have been written or read. */
  boolean isComplete() {
    return messageIndex == MESSAGE_COUNT;
  }

  /** Whether the next step is {@link #writeMessage} (otherwise {@link #readMessage}, or nothing when complete). */
  boolean isMyTurnToWrite() {
    return !isComplete() && ((messageIndex % 2 == 0) == initiator);
  }

  /** The remote static public key, once received ({@code null} before). */
  byte[] remoteStaticKey() {
    return rs == null ? null : rs.clone();
  }

  /** The local static public key. */
  byte[] localStaticKey() {
    return s.publicKey();
  }

  /** The handshake hash {@code h}; after completion it identifies the session (channel binding). */
  byte[] handshakeHash() {
    return symmetric.handshakeHash();
  }

  /**
   * WriteMessage: the next handshake message carrying {@code payload}.
   *
   * @throws IllegalStateException if it is not this side's turn to write
   * @throws IllegalArgumentException if the message would exceed 65535 bytes
   */
  byte[] writeMessage(byte[] payload) {
    Objects.requireNonNull(payload, "payload");
    if (!isMyTurnToWrite()) {
      throw new IllegalStateException("not this side's turn to write (message " + (messageIndex + 1) + ")");
    }
    int overhead = overhead(messageIndex);
    if (payload.length > MAX_MESSAGE_LENGTH - overhead) {
      throw new IllegalArgumentException("handshake payload of " + payload.length
          + " bytes makes message " + (messageIndex + 1) + " longer than 65535 bytes");
    }
    Writer out = new Writer(overhead + payload.length);
    switch (messageIndex) {
      case 0 -> { // -> e
        writeE(out);
      }
      case 1 -> { // <- e, ee, s, es
        writeE(out);
        symmetric.mixKey(e.dh(re));
        out.put(symmetric.encryptAndHash(s.publicKey()));
        symmetric.mixKey(s.dh(re));
      }
      case 2 -> { // -> s, se
        out.put(symmetric.encryptAndHash(s.publicKey()));
        symmetric.mixKey(s.dh(re));
      }
      default -> throw new IllegalStateException("handshake already complete");
    }
    out.put(symmetric.encryptAndHash(payload));
    messageIndex++;
    return out.bytes();
  }

  /**
   * ReadMessage: processes the next handshake message from the remote side and returns its payload.
   *
   * @throws IllegalStateException if it is not this side's turn to read
   * @throws NoiseHandshakeException if the message is too short or too long, does not authenticate, or
   *     carries a low-order key
   */
  byte[] readMessage(byte[] message) {
    Objects.requireNonNull(message, "message");
    if (isComplete() || isMyTurnToWrite()) {
      throw new IllegalStateException("not this side's turn to read (message " + (messageIndex + 1) + ")");
    }
    int number = messageIndex + 1;
    int minimum = overhead(messageIndex);
    if (message.length > MAX_MESSAGE_LENGTH) {
      throw new NoiseHandshakeException(
          "handshake message " + number + " is " + message.length + " bytes, over the 65535-byte limit");
    }
    if (message.length < minimum) {
      throw new NoiseHandshakeException("handshake message " + number + " is " + message.length
          + " bytes, shorter than the " + minimum + " bytes its keys and tag need");
    }
    Reader in = new Reader(message);
    try {
      switch (messageIndex) {
        case 0 -> { // -> e
          readE(in);
        }
        case 1 -> { // <- e, ee, s, es
          readE(in);
          symmetric.mixKey(e.dh(re));
          rs = symmetric.decryptAndHash(in.take(DH_LEN + TAG));
          symmetric.mixKey(e.dh(rs));
        }
        case 2 -> { // -> s, se
          rs = symmetric.decryptAndHash(in.take(DH_LEN + TAG));
          symmetric.mixKey(e.dh(rs));
        }
        default -> throw new IllegalStateException("handshake already complete");
      }
      byte[] payload = symmetric.decryptAndHash(in.rest());
      messageIndex++;
      return payload;
    } catch (AEADBadTagException ex) {
      throw new NoiseHandshakeException(
          "handshake message " + number + " does not authenticate (tampered, or not a Noise XX peer)", ex);
    }
  }

  /**
   * Split(): the transport ciphers, once, after the third message.
   *
   * @throws IllegalStateException before completion or when called twice
   */
  TransportCiphers split() {
    if (!isComplete()) {
      throw new IllegalStateException("Split() before the handshake completed");
    }
    if (split) {
      throw new IllegalStateException("Split() called twice");
    }
    split = true;
    CipherState[] c = symmetric.split();
    return initiator ? new TransportCiphers(c[0], c[1]) : new TransportCiphers(c[1], c[0]);
  }

  /** Bytes of keys and tags in message {@code index} besides the payload (whose tag is counted here). */
  private static int overhead(int index) {
    return switch (index) {
      case 0 -> DH_LEN; // e; no key yet, so the payload has no tag
      case 1 -> DH_LEN + (DH_LEN + TAG) + TAG; // e, encrypted s, payload tag
      case 2 -> (DH_LEN + TAG) + TAG; // encrypted s, payload tag
      default -> throw new IllegalStateException("handshake already complete");
    };
  }

  private void writeE(Writer out) {
    e = Objects.requireNonNull(ephemeralSource.get(), "ephemeral key");
    byte[] pub = e.publicKey();
    out.put(pub);
    symmetric.mixHash(pub);
  }

  private void readE(Reader in) {
    re = in.take(DH_LEN);
    symmetric.mixHash(re);
  }

  private static final class Writer {
    private final byte[] buf;
    private int pos;

    Writer(int capacity) {
      buf = new byte[capacity];
    }

    void put(byte[] b) {
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
    }

    byte[] bytes() {
      return pos == buf.length ? buf : java.util.Arrays.copyOf(buf, pos);
    }
  }

  private static final class Reader {
    private final byte[] buf;
    private int pos;

    Reader(byte[] buf) {
      this.buf = buf;
    }

    byte[] take(int n) {
      byte[] out = java.util.Arrays.copyOfRange(buf, pos, pos + n);
      pos += n;
      return out;
    }

    byte[] rest() {
      return take(buf.length - pos);
    }
  }
}
