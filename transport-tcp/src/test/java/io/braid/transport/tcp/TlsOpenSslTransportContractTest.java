package io.braid.transport.tcp;

import io.braid.api.Transport;
import io.braid.api.TransportContext;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The testkit's transport contract against a TLS-only {@link TcpTransport} on BoringSSL. The build ships
 * netty-tcnative-boringssl-static for linux-x86_64, so this fails (rather than skips) there when it does not
 * load; on other platforms it is skipped by {@link #boringSslLoads()}.
 */
@ExtendWith(LeakCheck.class)
class TlsOpenSslTransportContractTest extends TcpTransportTest {
  @BeforeAll
  static void boringSslLoads() {
    TlsTestSupport.assumeOrRequireOpenSsl();
  }

  @Override
  protected Transport createTransport(TransportContext context) {
    return TcpTransport.builder(context).identifyOnConnect(false).threads(2)
        .security(List.of(SecurityProtocol.TLS)).tlsProvider(TlsProvider.OPENSSL).build();
  }
}
