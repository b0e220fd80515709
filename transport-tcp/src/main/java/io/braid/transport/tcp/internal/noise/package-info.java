/**
 * libp2p Noise ({@code /noise}): the {@code Noise_XX_25519_ChaChaPoly_SHA256} handshake with an empty
 * prologue and the libp2p identity payload, then length-prefixed ChaCha20-Poly1305 transport frames.
 *
 * <p>Layers, from the bottom: {@link io.braid.transport.tcp.internal.noise.CipherState},
 * {@link io.braid.transport.tcp.internal.noise.SymmetricState} and
 * {@link io.braid.transport.tcp.internal.noise.HandshakeState} follow the Noise specification (revision
 * 34) for the XX pattern only, on JDK crypto (X25519, ChaCha20-Poly1305, HmacSHA256) and without Netty;
 * {@link io.braid.transport.tcp.internal.noise.Libp2pNoiseHandshake} adds the libp2p payload (identity key
 * and the signature over the static Noise key, libp2p/specs noise/README.md);
 * {@link io.braid.transport.tcp.internal.noise.NoiseHandshakeHandler} and
 * {@link io.braid.transport.tcp.internal.noise.NoiseCodec} put both on a Netty channel.
 *
 * <p>Internal: not part of Braid's public API.
 */
package io.braid.transport.tcp.internal.noise;
