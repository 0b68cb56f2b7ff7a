package org.xmtpj.crypto.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xmtp.proto.message.api.v1.AuthData;
import org.xmtp.proto.message.api.v1.Token;
import org.xmtp.proto.message.contents.Signature;
import org.xmtpj.crypto.Keccak256;
import org.xmtpj.crypto.RecoverableSignature;
import org.xmtpj.crypto.Secp256k1;
import org.xmtpj.crypto.TestVectors;
import org.xmtpj.crypto.auth.AuthException.Reason;

class AuthTokenValidatorTest {
  private static final String REAL_TOKEN = TestVectors.get("A.authToken.base64");
  private static final String REAL_WALLET = TestVectors.get("A.authToken.walletAddr");
  private static final long REAL_CREATED_NS = Long.parseLong(TestVectors.get("A.authToken.createdNs"));
  private static final BigInteger N =
      new BigInteger("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16);

  private static Clock clockAt(long epochNs, Duration offset) {
    return Clock.fixed(Instant.ofEpochSecond(0, epochNs).plus(offset), ZoneOffset.UTC);
  }

  private static AuthTokenValidator validatorJustAfterCreation() {
    return new AuthTokenValidator(clockAt(REAL_CREATED_NS, Duration.ofSeconds(5)));
  }

  private static Token realToken() throws Exception {
    return Token.parseFrom(Base64.getDecoder().decode(REAL_TOKEN));
  }

  private static String bearer(Token token) {
    return "Bearer " + Base64.getEncoder().encodeToString(token.toByteArray());
  }

  private static Reason reasonOf(AuthTokenValidator validator, String header) {
    Throwable thrown = catchThrowable(() -> validator.validate(header));
    assertThat(thrown).isInstanceOf(AuthException.class);
    assertThat(thrown.getMessage()).startsWith("validating token: ");
    return ((AuthException) thrown).reason();
  }

  @Test
  void shouldRecoverWalletFromRealXmtpJsToken() {
    AuthenticatedWallet wallet = validatorJustAfterCreation().validate("Bearer " + REAL_TOKEN);
    assertThat(wallet.walletAddress()).isEqualTo(REAL_WALLET).isEqualTo(TestVectors.get("A.address"));
    assertThat(wallet.createdNs()).isEqualTo(REAL_CREATED_NS);
  }

  @Test
  void shouldRejectRealTokenTwoHoursLaterAsExpired() {
    AuthTokenValidator validator = new AuthTokenValidator(clockAt(REAL_CREATED_NS, Duration.ofHours(2)));
    assertThatThrownBy(() -> validator.validate("Bearer " + REAL_TOKEN))
        .isInstanceOf(AuthException.class)
        .hasMessage("validating token: token expired: created 7200 s ago, max age 3600 s")
        .extracting(e -> ((AuthException) e).reason()).isEqualTo(Reason.EXPIRED);
  }

  /** Issue 13, finding 11: a token dated in the future stayed valid until then (years, if so dated). */
  @Test
  void shouldRefuseATokenDatedFarAheadOfTheClockButAllowClockDrift() {
    AuthTokenValidator early = new AuthTokenValidator(clockAt(REAL_CREATED_NS, Duration.ofMinutes(-16)));
    assertThatThrownBy(() -> early.validate("Bearer " + REAL_TOKEN)).isInstanceOf(AuthException.class)
        .hasMessageContaining("ahead of this node's clock")
        .extracting(e -> ((AuthException) e).reason()).isEqualTo(Reason.NOT_YET_VALID);
    assertThat(new AuthTokenValidator(clockAt(REAL_CREATED_NS, Duration.ofMinutes(-14))).validate(
        "Bearer " + REAL_TOKEN)).as("14 min of client clock drift").isNotNull();
  }

  @Test
  void shouldAcceptTokenAtExactlyMaxAgeAndHonourCustomMaxAge() {
    assertThat(new AuthTokenValidator(clockAt(REAL_CREATED_NS, Duration.ofHours(1))).validate("Bearer " + REAL_TOKEN))
        .isNotNull();
    AuthTokenValidator strict = new AuthTokenValidator(clockAt(REAL_CREATED_NS, Duration.ofSeconds(61)),
        Duration.ofMinutes(1));
    assertThat(reasonOf(strict, "Bearer " + REAL_TOKEN)).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void shouldAcceptWalletSignatureStoredAsWalletEcdsaCompact() throws Exception {
    Token token = realToken();
    Signature.ECDSACompact legacy = token.getIdentityKey().getSignature().getEcdsaCompact();
    Signature moved = Signature.newBuilder().setWalletEcdsaCompact(Signature.WalletECDSACompact.newBuilder()
        .setBytes(legacy.getBytes()).setRecovery(legacy.getRecovery())).build();
    Token rebuilt = token.toBuilder().setIdentityKey(token.getIdentityKey().toBuilder().setSignature(moved)).build();
    assertThat(validatorJustAfterCreation().validate(bearer(rebuilt)).walletAddress()).isEqualTo(REAL_WALLET);
  }

  @Test
  void shouldRejectTamperedAuthDataAsBadAuthSignature() throws Exception {
    Token token = realToken();
    byte[] authData = token.getAuthDataBytes().toByteArray();
    // Flip the case of a letter inside wallet_addr: still a parseable AuthData, but no longer what was signed.
    int index = new String(authData, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("Ec");
    authData[index] ^= 0x20;
    Token tampered = token.toBuilder().setAuthDataBytes(ByteString.copyFrom(authData)).build();
    assertThat(reasonOf(validatorJustAfterCreation(), bearer(tampered))).isEqualTo(Reason.BAD_AUTH_SIGNATURE);
  }

  @Test
  void shouldRejectTamperedAuthSignatureAndHighSVariant() throws Exception {
    Token token = realToken();
    byte[] rs = token.getAuthDataSignature().getEcdsaCompact().getBytes().toByteArray();
    byte[] flipped = rs.clone();
    flipped[40] ^= 1;
    assertThat(reasonOf(validatorJustAfterCreation(), bearer(withAuthSignature(token, flipped))))
        .isEqualTo(Reason.BAD_AUTH_SIGNATURE);

    byte[] highS = rs.clone();
    byte[] s = N.subtract(new BigInteger(1, Arrays.copyOfRange(rs, 32, 64))).toByteArray();
    System.arraycopy(s, s.length - 32, highS, 32, 32);
    assertThat(reasonOf(validatorJustAfterCreation(), bearer(withAuthSignature(token, highS))))
        .isEqualTo(Reason.BAD_AUTH_SIGNATURE);
  }

  @Test
  void shouldRejectTamperedWalletSignature() throws Exception {
    Token token = realToken();
    byte[] rs = token.getIdentityKey().getSignature().getEcdsaCompact().getBytes().toByteArray();
    byte[] flippedS = rs.clone();
    flippedS[50] ^= 1;
    // A different s still recovers some key, just not the wallet named in the auth data.
    assertThat(reasonOf(validatorJustAfterCreation(), bearer(withWalletSignature(token, flippedS, 1))))
        .isEqualTo(Reason.WALLET_MISMATCH);
    byte[] zeroR = rs.clone();
    Arrays.fill(zeroR, 0, 32, (byte) 0);
    assertThat(reasonOf(validatorJustAfterCreation(), bearer(withWalletSignature(token, zeroR, 1))))
        .isEqualTo(Reason.BAD_WALLET_SIGNATURE);
    assertThat(reasonOf(validatorJustAfterCreation(), bearer(withWalletSignature(token, rs, 2))))
        .isEqualTo(Reason.BAD_WALLET_SIGNATURE);
  }

  @Test
  void shouldRejectAuthDataNamingAnotherWallet() throws Exception {
    Token token = realToken();
    byte[] authData = AuthData.newBuilder()
        .setWalletAddr(TestVectors.get("B.address")).setCreatedNs(REAL_CREATED_NS).build().toByteArray();
    RecoverableSignature signature =
        Secp256k1.sign(TestVectors.hex("A.identityPrivateKey"), Keccak256.hash(authData));
    Token forged = withAuthSignature(token.toBuilder().setAuthDataBytes(ByteString.copyFrom(authData)).build(),
        signature.rs());
    assertThatThrownBy(() -> validatorJustAfterCreation().validate(bearer(forged)))
        .isInstanceOf(AuthException.class)
        .hasMessageContaining("wallet address mismatch")
        .hasMessageContaining(TestVectors.get("B.address"))
        .hasMessageContaining(REAL_WALLET);
  }

  @Test
  void shouldRejectLowerCaseWalletAddressBecauseComparisonIsExactEip55() throws Exception {
    Token token = realToken();
    byte[] authData = AuthData.newBuilder()
        .setWalletAddr(REAL_WALLET.toLowerCase(java.util.Locale.ROOT)).setCreatedNs(REAL_CREATED_NS).build()
        .toByteArray();
    byte[] rs = Secp256k1.sign(TestVectors.hex("A.identityPrivateKey"), Keccak256.hash(authData)).rs();
    Token lower = withAuthSignature(token.toBuilder().setAuthDataBytes(ByteString.copyFrom(authData)).build(), rs);
    assertThat(reasonOf(validatorJustAfterCreation(), bearer(lower))).isEqualTo(Reason.WALLET_MISMATCH);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   "})
  void shouldRejectMissingHeader(String header) {
    assertThatThrownBy(() -> validatorJustAfterCreation().validate(header))
        .isInstanceOf(AuthException.class)
        .hasMessage("validating token: authorization header is missing");
  }

  @Test
  void shouldRejectNonBearerEmptyAndBadBase64WithClearMessages() {
    AuthTokenValidator validator = validatorJustAfterCreation();
    assertThatThrownBy(() -> validator.validate("Basic " + REAL_TOKEN))
        .hasMessage("validating token: authorization header must be \"Bearer <token>\"");
    assertThatThrownBy(() -> validator.validate(REAL_TOKEN))
        .hasMessage("validating token: authorization header must be \"Bearer <token>\"");
    assertThatThrownBy(() -> validator.validate("Bearer "))
        .hasMessageContaining("empty bearer token");
    assertThatThrownBy(() -> validator.validate("Bearer not*base64!"))
        .isInstanceOf(AuthException.class)
        .hasMessageStartingWith("validating token: bearer token is not standard base64");
    assertThatThrownBy(() -> validator.validate("Bearer " + REAL_TOKEN.replace('+', '-')))
        .hasMessageContaining("not standard base64");
    assertThatThrownBy(() -> validator.validate("Bearer " + "A".repeat(10_000)))
        .hasMessageContaining("characters, more than");
  }

  @Test
  void shouldRejectStructurallyIncompleteTokens() throws Exception {
    AuthTokenValidator validator = validatorJustAfterCreation();
    Token token = realToken();
    assertThatThrownBy(() -> validator.validate(bearer(token.toBuilder().clearIdentityKey().build())))
        .hasMessage("validating token: token has no identity key");
    assertThatThrownBy(() -> validator.validate(
        bearer(token.toBuilder().setIdentityKey(token.getIdentityKey().toBuilder().clearSignature()).build())))
        .hasMessage("validating token: identity key has no wallet signature");
    assertThatThrownBy(() -> validator.validate(bearer(token.toBuilder().clearAuthDataSignature().build())))
        .hasMessageContaining("auth data signature is missing or not ecdsa_compact");
    byte[] shortKey = new byte[33];
    shortKey[0] = 2;
    Token compressed = token.toBuilder().setIdentityKey(token.getIdentityKey().toBuilder()
        .setSecp256K1Uncompressed(token.getIdentityKey().getSecp256K1Uncompressed().toBuilder()
            .setBytes(ByteString.copyFrom(shortKey)))).build();
    assertThatThrownBy(() -> validator.validate(bearer(compressed)))
        .hasMessageContaining("65-byte uncompressed secp256k1 key, got 33 bytes");
    Token badAuthData = token.toBuilder().setAuthDataBytes(ByteString.copyFrom(new byte[] {(byte) 0xff})).build();
    assertThatThrownBy(() -> validator.validate(bearer(badAuthData)))
        .hasMessageContaining("auth data is not an AuthData protobuf");
  }

  @Test
  void shouldRejectTruncatedTokenAsMalformed() {
    byte[] bytes = Base64.getDecoder().decode(REAL_TOKEN);
    String truncated = "Bearer " + Base64.getEncoder().encodeToString(Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> validatorJustAfterCreation().validate(truncated))
        .isInstanceOf(AuthException.class)
        .hasMessageContaining("not a Token protobuf")
        .extracting(e -> ((AuthException) e).reason()).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void shouldOnlyEverThrowAuthExceptionForRandomBytesAndSingleByteMutations() {
    AuthTokenValidator validator = new AuthTokenValidator(
        clockAt(REAL_CREATED_NS, Duration.ofSeconds(5)), AuthTokenValidator.DEFAULT_MAX_AGE, 0);
    Random random = new Random(7);
    for (int i = 0; i < 2_000; i++) {
      byte[] garbage = new byte[random.nextInt(300)];
      random.nextBytes(garbage);
      assertOnlyAuthException(validator, "Bearer " + Base64.getEncoder().encodeToString(garbage));
    }
    byte[] real = Base64.getDecoder().decode(REAL_TOKEN);
    for (int i = 0; i < real.length; i++) {
      byte[] mutated = real.clone();
      mutated[i] ^= (byte) (1 + random.nextInt(255));
      assertOnlyAuthException(validator, "Bearer " + Base64.getEncoder().encodeToString(mutated));
    }
  }

  private static void assertOnlyAuthException(AuthTokenValidator validator, String header) {
    Throwable thrown = catchThrowable(() -> validator.validate(header));
    if (thrown != null) {
      assertThat(thrown).isInstanceOf(AuthException.class);
      assertThat(thrown.getMessage()).startsWith("validating token: ");
    }
  }

  private static Token withAuthSignature(Token token, byte[] rs) {
    return token.toBuilder().setAuthDataSignature(Signature.newBuilder()
        .setEcdsaCompact(Signature.ECDSACompact.newBuilder().setBytes(ByteString.copyFrom(rs)))).build();
  }

  private static Token withWalletSignature(Token token, byte[] rs, int recovery) {
    Signature signature = Signature.newBuilder().setEcdsaCompact(
        Signature.ECDSACompact.newBuilder().setBytes(ByteString.copyFrom(rs)).setRecovery(recovery)).build();
    return token.toBuilder().setIdentityKey(token.getIdentityKey().toBuilder().setSignature(signature)).build();
  }
}
