package org.xmtpj.dag;

/**
 * A client envelope together with the wallet authorization it was published under: the bytes of the XMTP auth token
 * (protobuf {@code Token}) that the origin verified. Only owner-only topics carry one ({@link OwnedTopics}).
 */
public record AuthorizedEnvelope(byte[] authorization, ClientEnvelope envelope) {
  public AuthorizedEnvelope {
    if (authorization == null || envelope == null) {
      throw new IllegalArgumentException("authorization and envelope are required");
    }
  }

  @Override
  public byte[] authorization() {
    return authorization.clone();
  }
}
