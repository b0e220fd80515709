package io.braid.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.braid.api.Multiaddr;
import io.braid.api.TransportException;
import io.braid.identity.Identity;
import io.braid.transport.tcp.internal.protocols.Identify;
import io.braid.transport.tcp.internal.protocols.IdentifyInfo;
import io.braid.transport.tcp.internal.protocols.proto.IdentifyProtos;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Reading identify answers: the spec's message, go-libp2p's split messages, and hostile input. */
class IdentifyParseTest {
  private final Identity peer = Identity.generate();

  private static byte[] delimited(IdentifyProtos.Identify... messages) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (IdentifyProtos.Identify m : messages) {
      m.writeDelimitedTo(out);
    }
    return out.toByteArray();
  }

  @Test
  void aCompleteAnswerIsReadWithEveryField() throws IOException {
    Multiaddr listen = Multiaddr.fromString("/ip4/10.0.0.1/tcp/4001");
    Multiaddr observed = Multiaddr.fromString("/ip4/10.0.0.2/tcp/5555");
    byte[] answer = delimited(IdentifyProtos.Identify.newBuilder()
        .setProtocolVersion("ipfs/0.1.0").setAgentVersion("go-libp2p/0.40")
        .setPublicKey(ByteString.copyFrom(peer.publicKey()))
        .addListenAddrs(ByteString.copyFrom(listen.toBytes()))
        .addListenAddrs(ByteString.copyFrom(new byte[] {(byte) 0xff, 1}))
        .setObservedAddr(ByteString.copyFrom(observed.toBytes()))
        .addProtocols("/ipfs/ping/1.0.0")
        .setSignedPeerRecord(ByteString.copyFrom(new byte[] {1, 2, 3}))
        .build());

    IdentifyInfo info = Identify.parse(answer, peer.peerId());

    assertEquals("ipfs/0.1.0", info.protocolVersion());
    assertEquals("go-libp2p/0.40", info.agentVersion());
    assertArrayEquals(peer.publicKey(), info.publicKey());
    assertEquals(List.of(listen), info.listenAddrs(), "an address that does not parse is left out");
    assertEquals(observed, info.observedAddr().orElseThrow());
    assertEquals(List.of("/ipfs/ping/1.0.0"), info.protocols());
    assertArrayEquals(new byte[] {1, 2, 3}, info.signedPeerRecord().orElseThrow());
  }

  @Test
  void severalMessagesAreMergedAsGoLibp2pSplitsLargeAnswers() throws IOException {
    byte[] answer = delimited(
        IdentifyProtos.Identify.newBuilder().setPublicKey(ByteString.copyFrom(peer.publicKey()))
            .addProtocols("/a").build(),
        IdentifyProtos.Identify.newBuilder().addProtocols("/b")
            .setSignedPeerRecord(ByteString.copyFrom(new byte[] {9})).build());

    IdentifyInfo info = Identify.parse(answer, peer.peerId());

    assertEquals(List.of("/a", "/b"), info.protocols());
    assertArrayEquals(new byte[] {9}, info.signedPeerRecord().orElseThrow());
  }

  @Test
  void anEmptyAnswerIsRejected() {
    assertThrows(TransportException.class, () -> Identify.parse(new byte[0], peer.peerId()));
  }

  @Test
  void aLengthPastTheEndIsRejected() {
    assertThrows(TransportException.class, () -> Identify.parse(new byte[] {(byte) 0xff, (byte) 0xff, 0x7f, 1},
        peer.peerId()));
  }

  @Test
  void aKeyOfAnotherPeerIsRejected() throws IOException {
    byte[] answer = delimited(IdentifyProtos.Identify.newBuilder()
        .setPublicKey(ByteString.copyFrom(Identity.generate().publicKey())).build());
    TransportException e = assertThrows(TransportException.class, () -> Identify.parse(answer, peer.peerId()));
    assertTrue(e.getMessage().contains(peer.peerId().toString()), e.getMessage());
  }

  @Test
  void aMalformedKeyIsRejected() throws IOException {
    byte[] answer = delimited(IdentifyProtos.Identify.newBuilder()
        .setPublicKey(ByteString.copyFrom(new byte[] {8, 1, 18, 3, 1, 2, 3})).build());
    assertThrows(TransportException.class, () -> Identify.parse(answer, peer.peerId()));
  }

  @Property(tries = 300)
  void arbitraryBytesParseOrFailWithTransportExceptionOnly(@ForAll @Size(max = 200) byte[] bytes) {
    try {
      Identify.parse(bytes, peer.peerId());
    } catch (TransportException expected) {
      // the documented failure
    }
  }
}
