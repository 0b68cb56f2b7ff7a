package org.xmtpj.crypto.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.xmtp.proto.message.api.v1.Token;
import org.xmtpj.crypto.Ethereum;
import org.xmtpj.crypto.Secp256k1;
import org.xmtpj.crypto.TestVectors;
import org.xmtpj.crypto.auth.AuthException.Reason;

class AuthTokensTest {
  private static final long CREATED_NS = 1_795_639_686_735_000_000L;
  private static final byte[] WALLET_B = TestVectors.hex("B.walletPrivateKey");
  private static final byte[] IDENTITY_B = TestVectors.hex("B.identityPrivateKey");

  /** A clock the test can move; Clock.fixed cannot. */
  private static final class MutableClock extends Clock {
    private final AtomicLong epochNs;

    MutableClock(long epochNs) {
      this.epochNs = new AtomicLong(epochNs);
    }

    void advance(Duration duration) {
      epochNs.addAndGet(duration.toNanos());
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochSecond(0, epochNs.get());
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @Test
  void shouldReproduceRealXmtpJsTokenByteForByte() throws Exception {
    String realToken = TestVectors.get("A.authToken.base64");
    long identityTimestampMs =
        Token.parseFrom(Base64.getDecoder().decode(realToken)).getIdentityKey().getTimestamp();
    String created = AuthTokens.create(TestVectors.hex("A.walletPrivateKey"), TestVectors.hex("A.identityPrivateKey"),
        identityTimestampMs, Long.parseLong(TestVectors.get("A.authToken.createdNs")));
    assertThat(created).isEqualTo("Bearer " + realToken);
  }

  @Test
  void shouldCreateTokenThatValidatesToTheWalletAddress() {
    String header = AuthTokens.create(WALLET_B, IDENTITY_B, 1_700_000_000_000L, CREATED_NS);
    AuthTokenValidator validator = new AuthTokenValidator(new MutableClock(CREATED_NS + 1_000_000_000L));
    AuthenticatedWallet wallet = validator.validate(header);
    assertThat(wallet.walletAddress())
        .isEqualTo(TestVectors.get("B.address"))
        .isEqualTo(Ethereum.address(Secp256k1.publicKeyUncompressed(WALLET_B)));
    assertThat(wallet.createdNs()).isEqualTo(CREATED_NS);
  }

  @Test
  void shouldCreateValidTokenWithZeroIdentityTimestamp() {
    String header = AuthTokens.create(WALLET_B, IDENTITY_B, 0, CREATED_NS);
    assertThat(new AuthTokenValidator(new MutableClock(CREATED_NS)).validate(header).walletAddress())
        .isEqualTo(TestVectors.get("B.address"));
  }

  @Test
  void shouldServeRepeatedTokenFromCacheButStillExpireIt() {
    MutableClock clock = new MutableClock(CREATED_NS);
    AuthTokenValidator validator = new AuthTokenValidator(clock);
    String header = AuthTokens.create(WALLET_B, IDENTITY_B, 1_700_000_000_000L, CREATED_NS);
    AuthenticatedWallet first = validator.validate(header);
    assertThat(validator.cacheSize()).isEqualTo(1);
    assertThat(validator.validate(header)).isSameAs(first);

    clock.advance(Duration.ofMinutes(61));
    assertThatThrownBy(() -> validator.validate(header))
        .isInstanceOf(AuthException.class)
        .hasMessage("validating token: token expired: created 3660 s ago, max age 3600 s")
        .extracting(e -> ((AuthException) e).reason()).isEqualTo(Reason.EXPIRED);
    assertThat(validator.cacheSize()).isZero();
  }

  @Test
  void shouldBoundTheCacheOfVerifiedTokens() {
    AuthTokenValidator validator = new AuthTokenValidator(new MutableClock(CREATED_NS), Duration.ofHours(1), 10);
    for (int i = 0; i < 50; i++) {
      validator.validate(AuthTokens.create(WALLET_B, IDENTITY_B, 1_700_000_000_000L, CREATED_NS - i));
      assertThat(validator.cacheSize()).isLessThanOrEqualTo(10);
    }
  }

  @Test
  void shouldNotCacheRejectedTokens() {
    AuthTokenValidator validator = new AuthTokenValidator(new MutableClock(CREATED_NS + Duration.ofHours(2).toNanos()));
    String header = AuthTokens.create(WALLET_B, IDENTITY_B, 1_700_000_000_000L, CREATED_NS);
    assertThatThrownBy(() -> validator.validate(header)).isInstanceOf(AuthException.class);
    assertThat(validator.cacheSize()).isZero();
  }
}
