package io.braid.transport.tcp.internal.conn;

import io.braid.api.Multiaddr;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** Conversions between TCP multiaddrs and socket addresses. Pure, thread-safe. */
public final class Addresses {
  private Addresses() {}

  /** What a TCP multiaddr names: a host component and a port. */
  public record Target(String hostProtocol, String host, int port) {
    /** Whether resolving needs DNS (the host is a name, not a literal). */
    public boolean needsResolution() {
      return hostProtocol.startsWith("dns");
    }
  }

  /**
   * The host and port of {@code address} if it is {@code /ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>},
   * optionally followed by {@code /p2p/<id>}; empty for anything else.
   */
  public static Optional<Target> parse(Multiaddr address) {
    List<Multiaddr.Component> c = address.components();
    if (c.size() < 2 || c.size() > 3) {
      return Optional.empty();
    }
    String host = c.get(0).name();
    if (!List.of("ip4", "ip6", "dns", "dns4", "dns6").contains(host) || !c.get(1).name().equals("tcp")) {
      return Optional.empty();
    }
    if (c.size() == 3 && !c.get(2).name().equals("p2p")) {
      return Optional.empty();
    }
    return Optional.of(new Target(host, c.get(0).valueString(), Integer.parseInt(c.get(1).valueString())));
  }

  /** The literal address of an {@code ip4}/{@code ip6} target, without any DNS lookup. */
  public static InetSocketAddress literal(Target target) {
    try {
      return new InetSocketAddress(InetAddress.getByName(target.host()), target.port());
    } catch (UnknownHostException e) {
      // Unreachable for ip4/ip6 values the Multiaddr already validated.
      throw new IllegalArgumentException("not an IP literal: " + target.host(), e);
    }
  }

  /**
   * Resolves a {@code dns*} target (blocking: call off the event loop), keeping only IPv4 for
   * {@code dns4} and IPv6 for {@code dns6}.
   *
   * @throws UnknownHostException if no address of the right family exists
   */
  public static InetSocketAddress resolve(Target target) throws UnknownHostException {
    for (InetAddress a : InetAddress.getAllByName(target.host())) {
      boolean ok = switch (target.hostProtocol()) {
        case "dns4" -> a instanceof Inet4Address;
        case "dns6" -> a instanceof Inet6Address;
        default -> true;
      };
      if (ok) {
        return new InetSocketAddress(a, target.port());
      }
    }
    throw new UnknownHostException("no " + target.hostProtocol() + " address for " + target.host());
  }

  /**
   * The multiaddr of a socket address ({@code /ip4/…/tcp/…} or {@code /ip6/…/tcp/…}; an IPv6 zone is dropped).
   * Built from the address's bytes, not its text: the listener calls this for every socket it accepts, refused
   * ones included.
   */
  public static Multiaddr toMultiaddr(SocketAddress socketAddress) {
    InetSocketAddress s = (InetSocketAddress) socketAddress;
    byte[] ip = s.getAddress().getAddress(); // 4 or 16 bytes; a zone is not among them
    byte[] port = {(byte) (s.getPort() >>> 8), (byte) s.getPort()};
    return Multiaddr.of(List.of(ip.length == 4 ? new Multiaddr.Component(4, "ip4", ip)
        : new Multiaddr.Component(41, "ip6", ip), new Multiaddr.Component(6, "tcp", port)));
  }

  /**
   * {@code address} with a wildcard host ({@code 0.0.0.0} or {@code ::}) replaced by each of {@code local}
   * of the same family, in order; any other address as it is. IPv6 link-local addresses are left out: a
   * multiaddr without its zone cannot be dialed. Components after the port (e.g. {@code /p2p/...}) are kept.
   */
  public static List<Multiaddr> expandWildcard(Multiaddr address, List<InetAddress> local) {
    List<Multiaddr.Component> parts = address.components();
    if (parts.isEmpty()) {
      return List.of(address);
    }
    Multiaddr.Component host = parts.get(0);
    boolean any4 = host.name().equals("ip4") && host.valueString().equals("0.0.0.0");
    boolean any6 = host.name().equals("ip6") && isAny6(host.valueString());
    if (!any4 && !any6) {
      return List.of(address);
    }
    StringBuilder rest = new StringBuilder();
    parts.subList(1, parts.size()).forEach(rest::append);
    List<Multiaddr> out = new ArrayList<>();
    for (InetAddress a : local) {
      if (any4 && a instanceof Inet4Address) {
        out.add(Multiaddr.fromString("/ip4/" + a.getHostAddress() + rest));
      } else if (any6 && a instanceof Inet6Address && !a.isLinkLocalAddress()) {
        String h = a.getHostAddress();
        int zone = h.indexOf('%');
        out.add(Multiaddr.fromString("/ip6/" + (zone >= 0 ? h.substring(0, zone) : h) + rest));
      }
    }
    return out.isEmpty() ? List.of(address) : List.copyOf(out);
  }

  private static boolean isAny6(String host) {
    try {
      return InetAddress.getByName(host).isAnyLocalAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The addresses of every network interface that is up, loopback included; empty if they cannot be read. */
  public static List<InetAddress> interfaceAddresses() {
    List<InetAddress> out = new ArrayList<>();
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (ni.isUp()) {
          out.addAll(Collections.list(ni.getInetAddresses()));
        }
      }
    } catch (SocketException e) {
      return List.of();
    }
    return out;
  }
}
