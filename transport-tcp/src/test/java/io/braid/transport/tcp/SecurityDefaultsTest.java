package io.braid.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.TransportContext;
import io.braid.api.TransportListener;
import io.braid.identity.Identity;
import io.braid.testkit.RecordingInboundHandler;
import io.braid.testkit.TestStreamRouter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The default security order (TLS first on BoringSSL, Noise first on the JDK's provider) and what makes it
 * safe: a default dialer still reaches a Noise-only listener, through multistream-select's fallback.
 */
@ExtendWith(LeakCheck.class)
class SecurityDefaultsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final List<TcpTransport> transports = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (TcpTransport t : transports) {
      t.close();
    }
    for (TcpTransport t : transports) {
      t.terminationFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private TcpTransport.Builder builder(Identity identity) {
    return TcpTransport.builder(new TransportContext(identity, new TestStreamRouter(), WAIT))
        .identifyOnConnect(false).threads(1);
  }

  private TcpTransport keep(TcpTransport t) {
    transports.add(t);
    return t;
  }

  @Test
  void onBoringSslTheDefaultProposesTlsThenNoise() {
    TlsTestSupport.assumeOrRequireOpenSsl();
    TcpTransport t = keep(builder(Identity.generate()).build());

    assertEquals(TlsProvider.OPENSSL, t.tlsProvider());
    assertEquals(List.of(SecurityProtocol.TLS, SecurityProtocol.NOISE), t.securityProtocols());
  }

  @Test
  void onTheJdkProviderTheDefaultProposesNoiseThenTls() {
    TcpTransport t = keep(builder(Identity.generate()).tlsProvider(TlsProvider.JDK).build());

    assertEquals(List.of(SecurityProtocol.NOISE, SecurityProtocol.TLS), t.securityProtocols());
  }

  @Test
  void anExplicitOrderWinsOverTheDefault() {
    TcpTransport t = keep(builder(Identity.generate()).security(List.of(SecurityProtocol.NOISE)).build());

    assertEquals(List.of(SecurityProtocol.NOISE), t.securityProtocols());
  }

  @Test
  void aDefaultDialerReachesANoiseOnlyListenerThroughMultistreamFallbackAndADefaultListenerOnItsFirstChoice()
      throws Exception {
    Identity noiseId = Identity.generate();
    TcpTransport noiseOnly = keep(builder(noiseId).security(List.of(SecurityProtocol.NOISE)).build());
    Identity defaultId = Identity.generate();
    TcpTransport defaults = keep(builder(defaultId).build());
    TcpTransport dialer = keep(builder(Identity.generate()).build());
    TransportListener toNoise = noiseOnly.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"),
        new RecordingInboundHandler()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    TransportListener toDefault = defaults.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"),
        new RecordingInboundHandler()).get(WAIT.toSeconds(), TimeUnit.SECONDS);

    NetConn a = dialer.dial(toNoise.addresses().get(0), noiseId.peerId()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    NetConn b = dialer.dial(toDefault.addresses().get(0), defaultId.peerId()).get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertEquals(SecurityProtocol.NOISE, TcpTransport.security(a));
    assertEquals(dialer.securityProtocols().get(0), TcpTransport.security(b));
    a.close();
    b.close();
  }
}
