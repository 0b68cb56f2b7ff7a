package org.xmtpj.node.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.xmtpj.node.api.ApiException;
import org.xmtpj.node.api.ErrorCode;

/**
 * Who may read the operator views ({@code /metrics}, {@code /debug/*}) on the public HTTP port: a client on this
 * machine that came straight in (loopback, no {@code X-Forwarded-For} or {@code Forwarded} header, so not relayed by
 * a local proxy), or anyone presenting the operator token as {@code Authorization: Bearer <token>}. The views name
 * the chain RPC endpoint, peers and evidence, which strangers have no business reading.
 */
public final class OperatorAccess {
  /** The file in the data directory whose content is the operator token; absent: loopback only. */
  public static final String TOKEN_FILE = "operator.token";
  static final int MIN_TOKEN_CHARS = 16;

  private final byte[] token;

  private OperatorAccess(byte[] token) {
    this.token = token;
  }

  /** Loopback clients only. */
  public static OperatorAccess loopbackOnly() {
    return new OperatorAccess(null);
  }

  /**
   * Loopback clients, and remote ones with the token in {@code dataDir/operator.token} if that file exists.
   *
   * @throws IllegalArgumentException if the file exists but holds fewer than 16 characters
   */
  public static OperatorAccess fromDataDir(Path dataDir) throws IOException {
    Path file = dataDir.resolve(TOKEN_FILE);
    if (!Files.exists(file)) {
      return loopbackOnly();
    }
    String token = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (token.length() < MIN_TOKEN_CHARS) {
      throw new IllegalArgumentException(file + " holds a token of " + token.length() + " characters; use at least "
          + MIN_TOKEN_CHARS + " random ones (e.g. `openssl rand -hex 32 > " + file + "`), or delete the file to allow "
          + "only this machine");
    }
    return new OperatorAccess(token.getBytes(StandardCharsets.UTF_8));
  }

  /** @throws ApiException PERMISSION_DENIED {@code operator_only} unless the request may read operator views */
  void check(HttpExchange ex) {
    if (hasToken(ex.getRequestHeaders().getFirst("Authorization"))) {
      return;
    }
    InetAddress remote = ex.getRemoteAddress().getAddress();
    boolean relayed = ex.getRequestHeaders().containsKey("X-Forwarded-For")
        || ex.getRequestHeaders().containsKey("Forwarded");
    if (remote.isLoopbackAddress() && !relayed) {
      return;
    }
    throw new ApiException(ErrorCode.PERMISSION_DENIED, "operator_only", "this is an operator view: read it from the "
        + "node's own machine, or send \"Authorization: Bearer <token>\" with the token in the data directory's "
        + TOKEN_FILE);
  }

  private boolean hasToken(String header) {
    if (token == null || header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    // constant time: the comparison must not tell a prober how many leading characters were right
    return MessageDigest.isEqual(token, header.substring(7).strip().getBytes(StandardCharsets.UTF_8));
  }
}
