package org.xmtpj.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The proxy against a loopback echo server: forwards, cuts, refuses, heals, stalls and delays. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultProxyTest {
  private ServerSocket echo;
  private FaultProxy proxy;

  @BeforeEach
  void startEchoServerAndProxy() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(() -> {
      while (!echo.isClosed()) {
        try {
          Socket s = echo.accept();
          Thread.ofVirtual().start(() -> {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
              in.transferTo(out);
            } catch (IOException ignored) {
              // the test closed or reset it
            }
          });
        } catch (IOException closed) {
          return;
        }
      }
    });
    proxy = FaultProxy.start("test", echo.getLocalPort());
  }

  @AfterEach
  void close() throws IOException {
    proxy.close();
    echo.close();
  }

  @Test
  void shouldForwardBothWaysIncludingLargeTransfers() throws IOException {
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "hello")).isEqualTo("hello");
      byte[] big = new byte[3 * 1024 * 1024];
      for (int i = 0; i < big.length; i++) {
        big[i] = (byte) (i * 31);
      }
      Thread writer = Thread.ofVirtual().start(() -> {
        try {
          s.getOutputStream().write(big);
        } catch (IOException ignored) {
          // the read below fails then
        }
      });
      byte[] back = new byte[big.length];
      new DataInputStream(s.getInputStream()).readFully(back);
      assertThat(back).isEqualTo(big);
      writer.interrupt();
    }
    assertThat(proxy.acceptedConnections()).isEqualTo(1);
  }

  @Test
  void shouldResetOpenConnectionsAndRefuseNewOnesWhileCutThenForwardAgainAfterHeal() throws Exception {
    Socket before = connect();
    assertThat(roundTrip(before, "a")).isEqualTo("a");
    proxy.cut();
    assertThatThrownBy(() -> {
      before.getOutputStream().write('x');
      before.getOutputStream().flush();
      if (before.getInputStream().read() < 0) {
        throw new IOException("end of stream");
      }
    }).isInstanceOf(IOException.class);
    before.close();
    try (Socket during = connect()) {
      during.setSoTimeout(5_000);
      assertThatThrownBy(() -> roundTrip(during, "b")).isInstanceOf(IOException.class);
    }
    assertThat(proxy.refusedConnections()).isGreaterThanOrEqualTo(1);
    proxy.heal();
    try (Socket after = connect()) {
      assertThat(roundTrip(after, "c")).isEqualTo("c");
    }
  }

  @Test
  void shouldHoldTrafficWhileStalledAndDeliverItInOrderAfterHeal() throws Exception {
    try (Socket s = connect()) {
      proxy.stall();
      s.getOutputStream().write("held".getBytes(StandardCharsets.UTF_8));
      s.setSoTimeout(500);
      assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(java.net.SocketTimeoutException.class);
      proxy.heal();
      s.setSoTimeout(5_000);
      byte[] back = new byte[4];
      new DataInputStream(s.getInputStream()).readFully(back);
      assertThat(new String(back, StandardCharsets.UTF_8)).isEqualTo("held");
    }
  }

  @Test
  void shouldAddLatencyInEachDirection() throws IOException {
    proxy.latency(Duration.ofMillis(100));
    try (Socket s = connect()) {
      long start = System.nanoTime();
      assertThat(roundTrip(s, "slow")).isEqualTo("slow");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
    }
  }

  private Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    s.setSoTimeout(10_000);
    return s;
  }

  private static String roundTrip(Socket s, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    s.getOutputStream().write(bytes);
    s.getOutputStream().flush();
    byte[] back = new byte[bytes.length];
    new DataInputStream(s.getInputStream()).readFully(back);
    return new String(back, StandardCharsets.UTF_8);
  }
}
