/**
 * libp2p node identities: key pairs of the four libp2p key types (Ed25519 by default, secp256k1, ECDSA
 * P-256, RSA), their signatures, their protobuf encodings and the peer ids derived from them
 * (libp2p/specs peer-ids.md).
 *
 * <p>Start with {@link io.braid.identity.Identity}, the {@link io.braid.api.HostIdentity} that transports
 * take. {@link io.braid.identity.PublicKeys} reads the keys peers send; it decodes strictly and rejects
 * bad input with {@link java.lang.IllegalArgumentException}, never another exception. All types here are
 * immutable and thread-safe; parameters and results are non-null unless a method says otherwise.
 *
 * <p>Depends on the api, the JDK (RSA, SHA-256), bouncycastle (Ed25519, secp256k1, P-256: several times
 * faster than JDK 17's Ed25519 and ECDSA, and the JDK has no secp256k1) and protobuf-java (the key
 * envelope, generated from {@code keys.proto} at build time).
 */
package io.braid.identity;
