package io.braid.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.braid.api.Transport;
import io.braid.api.TransportContext;
import org.junit.jupiter.api.Test;

/**
 * The transport contract again with the NIO fallback, which hosts without native epoll use (identify on
 * connect off, for the reason given in {@link TcpTransportTest}).
 */
class NioTcpTransportTest extends TcpTransportTest {

  @Override
  protected Transport createTransport(TransportContext context) {
    return TcpTransport.builder(context).nativeTransport(false).identifyOnConnect(false).threads(2).build();
  }

  @Test
  void disablingTheNativeTransportSelectsNio() {
    assertFalse(((TcpTransport) server).usesEpoll());
  }
}
