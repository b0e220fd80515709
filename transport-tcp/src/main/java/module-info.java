/**
 * libp2p over TCP with Netty (Noise, Yamux, multistream-select, identify, ping).
 *
 * <p>Only {@code io.braid.transport.tcp} is exported; every {@code internal} package (Netty handlers,
 * protocol codecs) stays unreadable from other modules. Netty, protobuf-java and SLF4J are
 * implementation details, so none is required transitively. The generated protobuf code is opened to
 * protobuf-java alone, whose reflective paths call the generated accessors.
 *
 * <p>Bouncycastle (pkix, provider) builds the TLS certificates. BoringSSL (netty-tcnative, module {@code
 * io.netty.tcnative.classes.openssl}, which netty-handler reads statically) is used for TLS only when it is
 * in the module graph and its native library loads; otherwise TLS runs on the JDK's provider.
 *
 * <p>Native epoll is used when its module ({@code io.netty.transport.epoll.linux.x86_64} or the
 * platform's) is in the module graph, e.g. with {@code --add-modules}; without it the transport falls
 * back to NIO, as it does on the class path without the native jar.
 */
// protobuf-java has no module-info, only Automatic-Module-Name com.google.protobuf: a stable name.
@SuppressWarnings("requires-automatic")
module io.braid.transport.tcp {
  requires transitive io.braid.api;
  requires io.braid.identity;
  requires com.google.protobuf;
  requires io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.common;
  requires io.netty.handler;
  requires io.netty.transport;
  requires io.netty.transport.classes.epoll;
  requires org.bouncycastle.pkix;
  requires org.bouncycastle.provider;
  requires org.slf4j;

  exports io.braid.transport.tcp;

  opens io.braid.transport.tcp.internal.noise.proto to com.google.protobuf;
  opens io.braid.transport.tcp.internal.protocols.proto to com.google.protobuf;

  provides io.braid.api.TransportProvider with
      io.braid.transport.tcp.TcpTransportProvider;
}
