package io.braid.protocols.planted;

import io.braid.api.NetStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** Planted, allowed: a protocol using the NetStream port and the JDK. */
public final class ProtocolsUseApiAndJdk {
  public CompletableFuture<Void> greet(NetStream stream) {
    return stream.write(ByteBuffer.wrap(new byte[] {1}));
  }
}
