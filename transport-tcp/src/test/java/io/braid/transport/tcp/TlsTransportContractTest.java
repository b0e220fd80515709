package io.braid.transport.tcp;

import io.braid.api.Transport;
import io.braid.api.TransportContext;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The testkit's transport contract against a TLS-only {@link TcpTransport} on the JDK's TLS provider
 * ({@link TlsOpenSslTransportContractTest} runs it on BoringSSL).
 */
@ExtendWith(LeakCheck.class)
class TlsTransportContractTest extends TcpTransportTest {
  @Override
  protected Transport createTransport(TransportContext context) {
    return TcpTransport.builder(context).identifyOnConnect(false).threads(2)
        .security(List.of(SecurityProtocol.TLS)).tlsProvider(TlsProvider.JDK).build();
  }
}
