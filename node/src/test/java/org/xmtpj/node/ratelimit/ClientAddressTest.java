package org.xmtpj.node.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A request counts against its source network, and a forwarded address only when a trusted proxy vouches. */
class ClientAddressTest {
  private static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  @Test
  void shouldKeyIpv4ByItsSlash24AndIpv6ByItsSlash64() throws Exception {
    ClientAddress none = new ClientAddress(List.of());
    assertThat(none.key(ip("203.0.113.7"), null)).isEqualTo("203.0.113.0/24");
    assertThat(none.key(ip("203.0.113.250"), null)).isEqualTo(none.key(ip("203.0.113.7"), null));
    assertThat(none.key(ip("203.0.114.7"), null)).isNotEqualTo(none.key(ip("203.0.113.7"), null));
    assertThat(none.key(ip("2001:db8:1:2::1"), null)).isEqualTo("2001:db8:1:2::/64");
    assertThat(none.key(ip("2001:db8:1:2:ffff:0:0:9"), null)).isEqualTo("2001:db8:1:2::/64");
    assertThat(none.key(ip("2001:db8:1:3::1"), null)).isNotEqualTo("2001:db8:1:2::/64");
    assertThat(none.key(ip("::ffff:203.0.113.9"), null)).as("IPv4-mapped").isEqualTo("203.0.113.0/24");
  }

  @Test
  void shouldTakeTheRightMostUntrustedForwardedAddressOnlyFromATrustedProxy() throws Exception {
    ClientAddress behindProxies = new ClientAddress(List.of("10.0.0.0/8", "::1"));
    assertThat(behindProxies.key(ip("10.1.2.3"), "198.51.100.4, 10.9.9.9")).isEqualTo("198.51.100.0/24");
    assertThat(behindProxies.key(ip("10.1.2.3"), "6.6.6.6, 198.51.100.4")).as("the left part is the client's to "
        + "forge; the right-most untrusted hop is what our proxy saw").isEqualTo("198.51.100.0/24");
    assertThat(behindProxies.key(ip("::1"), "[2001:db8::5]")).isEqualTo("2001:db8:0:0::/64");
    assertThat(behindProxies.key(ip("192.0.2.1"), "198.51.100.4")).as("not a trusted proxy: header ignored")
        .isEqualTo("192.0.2.0/24");
    assertThat(behindProxies.key(ip("10.1.2.3"), "not-an-address, 10.2.2.2")).as("stops at what is not an address")
        .isEqualTo("10.2.2.0/24");
    assertThat(behindProxies.key(ip("10.1.2.3"), "example.com")).as("no DNS lookup of a header")
        .isEqualTo("10.1.2.0/24");
  }

  @Test
  void shouldRefuseAMalformedTrustedProxyAtConfiguration() {
    assertThatThrownBy(() -> new RateLimitConfig(true, 1, 1, 1, 1, 1, 1, List.of("10.0.0.0/33")))
        .hasMessageContaining("prefix length");
    assertThatThrownBy(() -> new RateLimitConfig(true, 1, 1, 1, 1, 1, 1, List.of("proxy.example")))
        .hasMessageContaining("not an address");
  }
}
