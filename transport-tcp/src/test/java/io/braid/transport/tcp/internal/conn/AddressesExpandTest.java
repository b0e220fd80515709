package io.braid.transport.tcp.internal.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.braid.api.Multiaddr;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressesExpandTest {
  private static List<InetAddress> local() throws Exception {
    return List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("10.1.2.3"),
        InetAddress.getByName("::1"), InetAddress.getByName("fe80::1%1"), InetAddress.getByName("2001:db8::7"));
  }

  private static List<String> expand(String address) throws Exception {
    return Addresses.expandWildcard(Multiaddr.fromString(address), local()).stream().map(Multiaddr::toString).toList();
  }

  @Test
  void anIpv4WildcardBecomesEachIpv4InterfaceAddressKeepingPortAndPeer() throws Exception {
    String peer = "/p2p/12D3KooWRkp73BC7ad8DzX77LBi9cK3jsEUivcBVF7vVfyjDFsGK";
    assertEquals(List.of("/ip4/127.0.0.1/tcp/4001" + peer, "/ip4/10.1.2.3/tcp/4001" + peer),
        expand("/ip4/0.0.0.0/tcp/4001" + peer));
  }

  @Test
  void anIpv6WildcardBecomesEachIpv6AddressButNotTheLinkLocalOnes() throws Exception {
    assertEquals(List.of("/ip6/0:0:0:0:0:0:0:1/tcp/9", "/ip6/2001:db8:0:0:0:0:0:7/tcp/9"),
        expand("/ip6/::/tcp/9").stream().map(s -> s.replace("/ip6/::1/", "/ip6/0:0:0:0:0:0:0:1/")
            .replace("/ip6/2001:db8::7/", "/ip6/2001:db8:0:0:0:0:0:7/")).toList());
  }

  @Test
  void aSpecificAddressStaysAsItIs() throws Exception {
    assertEquals(List.of("/ip4/10.1.2.3/tcp/1"), expand("/ip4/10.1.2.3/tcp/1"));
  }
}
