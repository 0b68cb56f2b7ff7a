package org.xmtpj.crypto.auth;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.xmtp.proto.message.api.v1.AuthData;
import org.xmtp.proto.message.api.v1.Token;
import org.xmtp.proto.message.contents.PublicKey;
import org.xmtp.proto.message.contents.Signature;
import org.xmtpj.crypto.CryptoException;
import org.xmtpj.crypto.Ethereum;
import org.xmtpj.crypto.Keccak256;
import org.xmtpj.crypto.RecoverableSignature;
import org.xmtpj.crypto.Secp256k1;
import org.xmtpj.crypto.auth.AuthException.Reason;

/**
 * Validates the {@code Authorization: Bearer <token>} header of a publish request the way node-go's
 * {@code validateToken} does. Thread-safe.
 *
 * <p>Cheap structural checks and the expiry check run before the two ECDSA operations, so garbage and stale tokens
 * are refused without paying for elliptic-curve arithmetic. Tokens that pass are memoised (see {@link TokenCache});
 * a memoised token still has its age checked against the clock on every use.
 *
 * <p>Unlike node-go, a token created more than {@link #FUTURE_TOLERANCE} ahead of this node's clock is refused:
 * client clocks drift by seconds or minutes, but a token dated years ahead would stay valid for years if it leaked.
 */
public final class AuthTokenValidator {
  public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(1);
  public static final int DEFAULT_CACHE_CAPACITY = 100_000;
  /** How far ahead of this node's clock a token may be dated (client clock drift). */
  public static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(15);

  private static final String BEARER_PREFIX = "Bearer ";
  // Real tokens are about 400 characters; anything far larger is not worth decoding.
  private static final int MAX_TOKEN_CHARS = 8 * 1024;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final Clock clock;
  private final Duration maxAge;
  private final long maxAgeNs;
  private final TokenCache cache;

  public AuthTokenValidator(Clock clock) {
    this(clock, DEFAULT_MAX_AGE);
  }

  public AuthTokenValidator(Clock clock, Duration maxAge) {
    this(clock, maxAge, DEFAULT_CACHE_CAPACITY);
  }

  /** {@code cacheCapacity} bounds the memo of verified tokens; 0 turns it off (for benchmarks). */
  public AuthTokenValidator(Clock clock, Duration maxAge, int cacheCapacity) {
    if (clock == null || maxAge == null || maxAge.isNegative()) {
      throw new IllegalArgumentException("clock and a non-negative maxAge are required");
    }
    this.clock = clock;
    this.maxAge = maxAge;
    this.maxAgeNs = maxAge.toNanos();
    this.cache = new TokenCache(cacheCapacity);
  }

  /**
   * Returns the wallet that authenticated the request.
   *
   * @param authorizationHeaderValue the raw header value, e.g. {@code "Bearer CpQBCPH..."}; may be null
   * @throws AuthException for every kind of invalid input; nothing else escapes
   */
  public AuthenticatedWallet validate(String authorizationHeaderValue) {
    String token = bearerToken(authorizationHeaderValue);
    TokenCache.Key key = TokenCache.keyOf(token);
    AuthenticatedWallet cached = cache.get(key);
    if (cached != null) {
      try {
        checkAge(cached.createdNs());
      } catch (AuthException e) {
        cache.remove(key);
        throw e;
      }
      return cached;
    }
    AuthenticatedWallet wallet = verify(token);
    cache.put(key, wallet);
    return wallet;
  }

  int cacheSize() {
    return cache.size();
  }

  private AuthenticatedWallet verify(String token) {
    Token parsed = parseToken(decodeBase64(token));
    AuthData authData = decodeAuthData(parsed.getAuthDataBytes());
    checkAge(authData.getCreatedNs());
    return verifySignatures(parsed, authData);
  }

  /**
   * The token bytes of a header that {@link #validate} accepted: what an origin puts into an event that needs the
   * wallet's authorization (docs/replication.md §1.3, owner-only topics).
   */
  public static byte[] tokenBytes(String authorizationHeaderValue) {
    return decodeBase64(bearerToken(authorizationHeaderValue));
  }

  /**
   * Checks a token's structure and both signatures, without any clock: replicas decide whether an event's
   * authorization is valid from the event alone, so its age is judged against the event's own timestamp instead.
   *
   * @throws AuthException if the token is malformed or a signature does not hold
   */
  public static AuthenticatedWallet verifySignatures(byte[] tokenBytes) {
    Token parsed = parseToken(tokenBytes);
    return verifySignatures(parsed, decodeAuthData(parsed.getAuthDataBytes()));
  }

  private static AuthenticatedWallet verifySignatures(Token parsed, AuthData authData) {
    PublicKey identityKey = requireIdentityKey(parsed);
    byte[] identityPublicKey = identityKey.getSecp256K1Uncompressed().getBytes().toByteArray();
    verifyAuthDataSignature(parsed, identityPublicKey);
    String wallet = recoverWallet(identityKey);
    if (!wallet.equals(authData.getWalletAddr())) {
      throw new AuthException(Reason.WALLET_MISMATCH, "wallet address mismatch: auth data names "
          + quote(authData.getWalletAddr()) + " but the identity key was signed by " + wallet);
    }
    return new AuthenticatedWallet(wallet, authData.getCreatedNs());
  }

  private static String bearerToken(String header) {
    if (header == null || header.isBlank()) {
      throw new AuthException(Reason.MISSING_HEADER, "authorization header is missing");
    }
    if (!header.regionMatches(true, 0, BEARER_PREFIX, 0, BEARER_PREFIX.length())) {
      throw new AuthException(Reason.MALFORMED, "authorization header must be \"Bearer <token>\"");
    }
    String token = header.substring(BEARER_PREFIX.length()).strip();
    if (token.isEmpty()) {
      throw new AuthException(Reason.MALFORMED, "authorization header has an empty bearer token");
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      throw new AuthException(Reason.MALFORMED,
          "bearer token is " + token.length() + " characters, more than the " + MAX_TOKEN_CHARS + " allowed");
    }
    return token;
  }

  private static byte[] decodeBase64(String token) {
    try {
      return Base64.getDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw new AuthException(Reason.MALFORMED, "bearer token is not standard base64: " + e.getMessage(), e);
    }
  }

  private static Token parseToken(byte[] bytes) {
    try {
      return Token.parseFrom(bytes);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new AuthException(Reason.MALFORMED, "bearer token is not a Token protobuf: " + e.getMessage(), e);
    }
  }

  private static PublicKey requireIdentityKey(Token token) {
    if (!token.hasIdentityKey()) {
      throw new AuthException(Reason.MALFORMED, "token has no identity key");
    }
    PublicKey key = token.getIdentityKey();
    if (!key.hasSignature()) {
      throw new AuthException(Reason.MALFORMED, "identity key has no wallet signature");
    }
    int length = key.getSecp256K1Uncompressed().getBytes().size();
    if (!key.hasSecp256K1Uncompressed() || length != Secp256k1.PUBLIC_KEY_LENGTH) {
      throw new AuthException(Reason.MALFORMED,
          "identity key must be a 65-byte uncompressed secp256k1 key, got " + length + " bytes");
    }
    return key;
  }

  private static AuthData decodeAuthData(ByteString bytes) {
    try {
      return AuthData.parseFrom(bytes);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new AuthException(Reason.MALFORMED, "auth data is not an AuthData protobuf: " + e.getMessage(), e);
    }
  }

  private void checkAge(long createdNs) {
    if (createdNs < 0) {
      // uint64 values above 2^63 arrive negative; node-go's int64 conversion makes them ancient too.
      throw new AuthException(Reason.EXPIRED, "token expired: created_ns " + Long.toUnsignedString(createdNs)
          + " is out of range");
    }
    Instant now = clock.instant();
    long nowNs = now.getEpochSecond() * NANOS_PER_SECOND + now.getNano();
    long ageNs = nowNs - createdNs;
    if (-ageNs > FUTURE_TOLERANCE.toNanos()) {
      throw new AuthException(Reason.NOT_YET_VALID, "token created " + (-ageNs / NANOS_PER_SECOND) + " s ahead of "
          + "this node's clock (at most " + FUTURE_TOLERANCE.toSeconds() + " s): check the client's clock");
    }
    if (ageNs > maxAgeNs) {
      throw new AuthException(Reason.EXPIRED, "token expired: created " + ageNs / NANOS_PER_SECOND
          + " s ago, max age " + maxAge.toSeconds() + " s");
    }
  }

  private static void verifyAuthDataSignature(Token token, byte[] identityPublicKey) {
    Signature signature = token.getAuthDataSignature();
    if (!token.hasAuthDataSignature() || !signature.hasEcdsaCompact()) {
      throw new AuthException(Reason.BAD_AUTH_SIGNATURE, "auth data signature is missing or not ecdsa_compact");
    }
    byte[] rs = signature.getEcdsaCompact().getBytes().toByteArray();
    if (rs.length != RecoverableSignature.LENGTH) {
      throw new AuthException(Reason.BAD_AUTH_SIGNATURE,
          "auth data signature must be 64 bytes r||s, got " + rs.length);
    }
    byte[] digest = Keccak256.hash(token.getAuthDataBytes().toByteArray());
    if (!Secp256k1.verify(identityPublicKey, digest, rs)) {
      throw new AuthException(Reason.BAD_AUTH_SIGNATURE,
          "auth data signature does not verify with the identity key (wrong key, tampered data or high-S)");
    }
  }

  private static String recoverWallet(PublicKey identityKey) {
    RecoverableSignature signature = walletSignature(identityKey.getSignature());
    byte[] keyBytes =
        IdentityKeys.unsignedKeyBytes(identityKey.getTimestamp(), identityKey.getSecp256K1Uncompressed().getBytes());
    byte[] digest = Ethereum.eip191Hash(IdentityKeys.createIdentityText(keyBytes));
    try {
      return Ethereum.address(Secp256k1.recoverPublicKey(digest, signature));
    } catch (CryptoException e) {
      throw new AuthException(Reason.BAD_WALLET_SIGNATURE,
          "no wallet can be recovered from the identity key signature: " + e.getMessage(), e);
    }
  }

  private static RecoverableSignature walletSignature(Signature signature) {
    ByteString bytes;
    int recovery;
    switch (signature.getUnionCase()) {
      case ECDSA_COMPACT -> {
        bytes = signature.getEcdsaCompact().getBytes();
        recovery = signature.getEcdsaCompact().getRecovery();
      }
      case WALLET_ECDSA_COMPACT -> {
        bytes = signature.getWalletEcdsaCompact().getBytes();
        recovery = signature.getWalletEcdsaCompact().getRecovery();
      }
      default -> throw new AuthException(Reason.BAD_WALLET_SIGNATURE,
          "identity key signature is neither ecdsa_compact nor wallet_ecdsa_compact");
    }
    if (bytes.size() != RecoverableSignature.LENGTH || (recovery != 0 && recovery != 1)) {
      throw new AuthException(Reason.BAD_WALLET_SIGNATURE, "identity key signature must be 64 bytes with recovery"
          + " 0 or 1, got " + bytes.size() + " bytes with recovery " + Integer.toUnsignedString(recovery));
    }
    return new RecoverableSignature(bytes.toByteArray(), recovery);
  }

  private static String quote(String value) {
    return value.length() > 64 ? "\"" + value.substring(0, 64) + "…\"" : "\"" + value + "\"";
  }
}
