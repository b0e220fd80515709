package io.braid.transport.tcp.internal.noise;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.braid.api.HostIdentity;
import io.braid.api.PeerId;
import io.braid.api.PeerIdMismatchException;
import io.braid.identity.PublicKey;
import io.braid.identity.PublicKeys;
import io.braid.transport.tcp.internal.noise.proto.NoiseProtos.NoiseHandshakePayload;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The libp2p Noise handshake without I/O (libp2p/specs noise/README.md): XX with an empty prologue, a fresh
 * static X25519 key per handshake, and a {@code NoiseHandshakePayload} in messages 2 (responder) and 3
 * (initiator) that carries the libp2p identity key and its signature over {@code
 * "noise-libp2p-static-key:" || static public key}. Message 1 carries an empty payload; a payload there is
 * ignored, as libp2p peers ignore it.
 *
 * <p>On reading the remote payload this checks, in order: the protobuf parses, both fields are present,
 * the identity key decodes, the signature verifies over the remote static key just authenticated by Noise,
 * and (initiator only, when an expected peer was given) the derived peer id equals the expected one. The
 * initiator therefore learns who answered before it reveals its own identity in message 3.
 *
 * <p>Not thread-safe. Driven like {@link HandshakeState}: while not {@link #isComplete()}, call {@link
 * #writeMessage()} when {@link #isMyTurnToWrite()}, otherwise {@link #readMessage(byte[])}.
 */
final class Libp2pNoiseHandshake {
  static final String SIGNATURE_PREFIX = "noise-libp2p-static-key:";
  private static final byte[] EMPTY_PROLOGUE = new byte[0];
  private static final byte[] EMPTY = new byte[0];

  /** What a completed handshake yields: the authenticated remote peer and this side's transport ciphers. */
  record Outcome(
      PeerId remotePeerId, PublicKey remoteIdentityKey, HandshakeState.TransportCiphers ciphers, byte[] handshakeHash) {}

  private final HandshakeState state;
  private final byte[] payload;
  private final PeerId expectedRemote;
  private PublicKey remoteKey;
  private Outcome outcome;

  /**
   * A handshake on {@code state} that sends {@code payload} in its identity message; tests use this to send
   * hostile payloads. {@code expectedRemote} is checked only by an initiator, and only when non-null.
   */
  Libp2pNoiseHandshake(HandshakeState state, byte[] payload, PeerId expectedRemote) {
    this.state = Objects.requireNonNull(state, "state");
    this.payload = Objects.requireNonNull(payload, "payload").clone();
    this.expectedRemote = expectedRemote;
  }

  /**
   * The dialing side. {@code expectedRemote} is the peer id being dialed, or {@code null} to accept any
   * authenticated peer.
   */
  static Libp2pNoiseHandshake initiator(HostIdentity identity, PeerId expectedRemote) {
    NoiseKeyPair s = NoiseKeyPair.generate();
    return new Libp2pNoiseHandshake(
        HandshakeState.initiator(EMPTY_PROLOGUE, s), payloadFor(identity, s.publicKey()), expectedRemote);
  }

  /** The accepting side. */
  static Libp2pNoiseHandshake responder(HostIdentity identity) {
    NoiseKeyPair s = NoiseKeyPair.generate();
    return new Libp2pNoiseHandshake(HandshakeState.responder(EMPTY_PROLOGUE, s), payloadFor(identity, s.publicKey()), null);
  }

  /** The encoded {@code NoiseHandshakePayload} binding {@code identity} to {@code staticPublicKey}. */
  static byte[] payloadFor(HostIdentity identity, byte[] staticPublicKey) {
    Objects.requireNonNull(identity, "identity");
    return NoiseHandshakePayload.newBuilder()
        .setIdentityKey(ByteString.copyFrom(identity.publicKey()))
        .setIdentitySig(ByteString.copyFrom(identity.sign(signedData(staticPublicKey))))
        .build()
        .toByteArray();
  }

  /** {@code "noise-libp2p-static-key:" || staticPublicKey}: what the identity key signs. */
  static byte[] signedData(byte[] staticPublicKey) {
    byte[] prefix = SIGNATURE_PREFIX.getBytes(StandardCharsets.US_ASCII);
    byte[] data = new byte[prefix.length + staticPublicKey.length];
    System.arraycopy(prefix, 0, data, 0, prefix.length);
    System.arraycopy(staticPublicKey, 0, data, prefix.length, staticPublicKey.length);
    return data;
  }

  boolean isInitiator() {
    return state.isInitiator();
  }

  boolean isMyTurnToWrite() {
    return state.isMyTurnToWrite();
  }

  boolean isComplete() {
    return outcome != null;
  }

  /**
   * The next message this side sends.
   *
   * @throws IllegalStateException out of turn
   */
  byte[] writeMessage() {
    // Message 1 (index 0) carries nothing; the identity goes with this side's static key.
    // Only the initiator's first message is written before the remote static key is known.
    boolean first = state.isInitiator() && state.remoteStaticKey() == null;
    byte[] message = state.writeMessage(first ? EMPTY : payload);
    finishIfComplete();
    return message;
  }

  /**
   * Processes the next message from the remote side.
   *
   * @throws NoiseHandshakeException if the message or its payload is malformed, does not authenticate, or
   *     the signature does not bind the identity key to the remote static key
   * @throws PeerIdMismatchException if this initiator expected another peer
   * @throws IllegalStateException out of turn
   */
  void readMessage(byte[] message) {
    byte[] remotePayload = state.readMessage(message);
    byte[] rs = state.remoteStaticKey();
    if (rs != null && remoteKey == null) {
      remoteKey = verify(remotePayload, rs);
      PeerId remote = remoteKey.toPeerId();
      if (state.isInitiator() && expectedRemote != null && !expectedRemote.equals(remote)) {
        throw new PeerIdMismatchException(expectedRemote, remote);
      }
    }
    finishIfComplete();
  }

  /**
   * The result of a completed handshake.
   *
   * @throws IllegalStateException before completion
   */
  Outcome outcome() {
    if (outcome == null) {
      throw new IllegalStateException("the Noise handshake has not completed");
    }
    return outcome;
  }

  private void finishIfComplete() {
    if (state.isComplete() && outcome == null) {
      outcome = new Outcome(remoteKey.toPeerId(), remoteKey, state.split(), state.handshakeHash());
    }
  }

  private static PublicKey verify(byte[] remotePayload, byte[] remoteStatic) {
    NoiseHandshakePayload parsed;
    try {
      parsed = NoiseHandshakePayload.parseFrom(remotePayload);
    } catch (InvalidProtocolBufferException e) {
      throw new NoiseHandshakeException("the remote handshake payload is not a NoiseHandshakePayload protobuf", e);
    }
    if (!parsed.hasIdentityKey() || !parsed.hasIdentitySig()) {
      throw new NoiseHandshakeException("the remote handshake payload lacks "
          + (parsed.hasIdentityKey() ? "identity_sig" : "identity_key"));
    }
    PublicKey key;
    try {
      key = PublicKeys.unmarshal(parsed.getIdentityKey().toByteArray());
    } catch (IllegalArgumentException e) {
      throw new NoiseHandshakeException("the remote identity key is invalid: " + e.getMessage(), e);
    }
    if (!key.verify(signedData(remoteStatic), parsed.getIdentitySig().toByteArray())) {
      throw new NoiseHandshakeException("the remote identity_sig does not sign this handshake's static key with "
          + key + ": the peer does not hold that identity");
    }
    return key;
  }
}
