package io.braid.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
@DisplayName("DelayRelay: a loopback relay that holds each direction back by a changeable delay")
class DelayRelayTest {
  private ServerSocket echo;
  private Thread echoThread;

  @BeforeEach
  void startEcho() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    echoThread = new Thread(() -> {
      try (Socket s = echo.accept()) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) > 0; ) {
          out.write(buf, 0, n);
        }
      } catch (IOException e) {
        // closed
      }
    }, "echo");
    echoThread.setDaemon(true);
    echoThread.start();
  }

  @AfterEach
  void stopEcho() throws Exception {
    echo.close();
    echoThread.join(5_000);
  }

  @Test
  @DisplayName("relays every byte in order, both ways, and passes the end of stream on")
  void relaysInOrder() throws Exception {
    try (DelayRelay relay = new DelayRelay(echo.getLocalPort());
        Socket s = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
      byte[] sent = new byte[300_000];
      new Random(7).nextBytes(sent);
      Thread writer = new Thread(() -> {
        try {
          s.getOutputStream().write(sent);
          s.shutdownOutput();
        } catch (IOException e) {
          // the read below fails then
        }
      });
      writer.start();
      relay.delay(Duration.ofMillis(1)); // mid-transfer: order still kept
      byte[] back = s.getInputStream().readAllBytes();
      writer.join(5_000);
      assertArrayEquals(sent, back);
      assertEquals(1, relay.accepted());
    }
  }

  @Test
  @DisplayName("a one-way delay makes each round trip take at least twice that delay, and zero removes it")
  void delays() throws Exception {
    try (DelayRelay relay = new DelayRelay(echo.getLocalPort());
        Socket s = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
      s.setTcpNoDelay(true);
      relay.delay(Duration.ofMillis(40));
      assertEquals(Duration.ofMillis(40), relay.delay());
      long start = System.nanoTime();
      s.getOutputStream().write(1);
      assertEquals(1, s.getInputStream().read());
      assertTrue(System.nanoTime() - start >= Duration.ofMillis(80).toNanos(), "held back both ways");
      relay.delay(Duration.ZERO);
      s.getOutputStream().write(2);
      assertEquals(2, s.getInputStream().read());
    }
  }

  @Test
  @DisplayName("close ends the relayed connections and every thread of the relay; bad values are refused")
  void closes() throws Exception {
    DelayRelay relay = new DelayRelay(echo.getLocalPort());
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
      relay.delay(Duration.ofSeconds(20)); // a writer asleep on a long delay must still end
      s.getOutputStream().write(1);
      relay.close();
      relay.close();
      int r;
      try {
        r = s.getInputStream().read();
      } catch (java.net.SocketException e) {
        r = -1; // reset rather than ended: closed all the same
      }
      assertEquals(-1, r, "the relayed connection was closed");
    }
    assertTrue(relay.awaitThreads(Duration.ofSeconds(10)), "every relay thread ended");
    assertThrows(IllegalArgumentException.class, () -> relay.delay(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> new DelayRelay(0));
  }
}
