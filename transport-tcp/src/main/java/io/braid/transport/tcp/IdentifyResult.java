package io.braid.transport.tcp;

import io.braid.api.Multiaddr;
import io.braid.transport.tcp.internal.protocols.IdentifyInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a peer said about itself in libp2p identify ({@code /ipfs/id/1.0.0}). Immutable; the byte arrays are
 * copied in and out. The public key, when present, has been checked to be the connection's remote peer's.
 *
 * @param protocolVersion e.g. {@code ipfs/0.1.0}; empty if the peer did not say
 * @param agentVersion e.g. {@code js-libp2p/1.0.0}; empty if the peer did not say
 * @param publicKey the peer's public key in the libp2p protobuf encoding; empty if it did not send one
 * @param listenAddrs the addresses it listens on (those that did not parse are left out)
 * @param observedAddr our address as the peer sees it, if it sent one that parsed
 * @param protocols the protocols it serves
 * @param signedPeerRecord its signed peer record envelope, unverified, if it sent one
 */
public record IdentifyResult(String protocolVersion, String agentVersion, byte[] publicKey,
    List<Multiaddr> listenAddrs, Optional<Multiaddr> observedAddr, List<String> protocols,
    Optional<byte[]> signedPeerRecord) {

  public IdentifyResult {
    Objects.requireNonNull(protocolVersion, "protocolVersion");
    Objects.requireNonNull(agentVersion, "agentVersion");
    publicKey = Objects.requireNonNull(publicKey, "publicKey").clone();
    listenAddrs = List.copyOf(listenAddrs);
    Objects.requireNonNull(observedAddr, "observedAddr");
    protocols = List.copyOf(protocols);
    signedPeerRecord = Objects.requireNonNull(signedPeerRecord, "signedPeerRecord").map(byte[]::clone);
  }

  static IdentifyResult of(IdentifyInfo info) {
    return new IdentifyResult(info.protocolVersion(), info.agentVersion(), info.publicKey(), info.listenAddrs(),
        info.observedAddr(), info.protocols(), info.signedPeerRecord());
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public Optional<byte[]> signedPeerRecord() {
    return signedPeerRecord.map(byte[]::clone);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdentifyResult r && r.protocolVersion.equals(protocolVersion)
        && r.agentVersion.equals(agentVersion) && Arrays.equals(r.publicKey, publicKey)
        && r.listenAddrs.equals(listenAddrs) && r.observedAddr.equals(observedAddr)
        && r.protocols.equals(protocols)
        && Arrays.equals(r.signedPeerRecord.orElse(null), signedPeerRecord.orElse(null));
  }

  @Override
  public int hashCode() {
    return Objects.hash(protocolVersion, agentVersion, Arrays.hashCode(publicKey), listenAddrs, observedAddr,
        protocols, Arrays.hashCode(signedPeerRecord.orElse(null)));
  }

  @Override
  public String toString() {
    return "IdentifyResult[protocolVersion=" + protocolVersion + ", agentVersion=" + agentVersion
        + ", publicKey=" + publicKey.length + " bytes, listenAddrs=" + listenAddrs + ", observedAddr="
        + observedAddr.map(Multiaddr::toString).orElse("none") + ", protocols=" + protocols
        + ", signedPeerRecord=" + signedPeerRecord.map(b -> b.length + " bytes").orElse("none") + "]";
  }
}
