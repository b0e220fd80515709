package io.braid.transport.tcp.internal.protocols;

import io.braid.api.Multiaddr;
import java.util.List;
import java.util.Optional;

/**
 * What a peer said about itself in identify; see the public {@code IdentifyResult}, which copies it.
 * Addresses that did not parse are left out.
 */
public record IdentifyInfo(String protocolVersion, String agentVersion, byte[] publicKey,
    List<Multiaddr> listenAddrs, Optional<Multiaddr> observedAddr, List<String> protocols,
    Optional<byte[]> signedPeerRecord) {}
