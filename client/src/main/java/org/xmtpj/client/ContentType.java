package org.xmtpj.client;

import java.util.Objects;

/** Identifies a content codec, e.g. {@code xmtp.org/text:1.0}. */
public record ContentType(String authority, String type, int versionMajor, int versionMinor) {
  /** Plain text, UTF-8: what {@code conversation.send("hi")} sends in every XMTP SDK. */
  public static final ContentType TEXT = new ContentType("xmtp.org", "text", 1, 0);

  public ContentType {
    Objects.requireNonNull(authority, "authority");
    Objects.requireNonNull(type, "type");
    if (versionMajor < 0 || versionMinor < 0) {
      throw new IllegalArgumentException("content type versions must not be negative");
    }
  }

  /** True when {@code other} has the same authority and type and the same major version. */
  public boolean sameKind(ContentType other) {
    return authority.equals(other.authority) && type.equals(other.type) && versionMajor == other.versionMajor;
  }

  @Override
  public String toString() {
    return authority + "/" + type + ":" + versionMajor + "." + versionMinor;
  }
}
