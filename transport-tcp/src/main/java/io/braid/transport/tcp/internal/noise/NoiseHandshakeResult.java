package io.braid.transport.tcp.internal.noise;

import io.braid.api.PeerId;
import io.braid.identity.PublicKey;
import java.util.Objects;

/**
 * Who the remote side proved to be in a completed Noise handshake.
 *
 * @param remotePeerId the peer id derived from {@code remotePublicKey}
 * @param remotePublicKey the remote libp2p identity key, whose signature over the remote static Noise key
 *     was verified
 */
public record NoiseHandshakeResult(PeerId remotePeerId, PublicKey remotePublicKey) {
  public NoiseHandshakeResult {
    Objects.requireNonNull(remotePeerId, "remotePeerId");
    Objects.requireNonNull(remotePublicKey, "remotePublicKey");
  }
}
