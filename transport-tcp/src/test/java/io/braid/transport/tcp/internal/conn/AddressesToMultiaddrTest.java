package io.braid.transport.tcp.internal.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.braid.api.Multiaddr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** {@link Addresses#toMultiaddr} builds the binary form itself: it must equal what the text form parses to. */
class AddressesToMultiaddrTest {
  private static Multiaddr of(String host, int port) throws Exception {
    return Addresses.toMultiaddr(new InetSocketAddress(InetAddress.getByName(host), port));
  }

  @Test
  void anIpv4SocketAddressIsIp4TcpAtEitherEndOfThePortRange() throws Exception {
    assertEquals(Multiaddr.fromString("/ip4/127.0.0.2/tcp/1"), of("127.0.0.2", 1));
    assertEquals(Multiaddr.fromString("/ip4/10.255.0.1/tcp/65535"), of("10.255.0.1", 65535));
    assertEquals(Multiaddr.fromString("/ip4/0.0.0.0/tcp/0"), of("0.0.0.0", 0));
    assertEquals("/ip4/192.168.1.200/tcp/4001", of("192.168.1.200", 4001).toString());
  }

  @Test
  void anIpv6SocketAddressIsIp6TcpWithItsZoneDropped() throws Exception {
    assertEquals(Multiaddr.fromString("/ip6/::1/tcp/4001"), of("::1", 4001));
    assertEquals(Multiaddr.fromString("/ip6/2001:db8::7/tcp/443"), of("2001:db8::7", 443));
    assertEquals(Multiaddr.fromString("/ip6/fe80::1/tcp/9"), of("fe80::1%1", 9));
  }

  @Test
  void anIpv4MappedIpv6AddressIsIp4AsTheJdkResolvesIt() throws Exception {
    assertEquals(Multiaddr.fromString("/ip4/127.0.0.1/tcp/80"), of("::ffff:127.0.0.1", 80));
  }
}
