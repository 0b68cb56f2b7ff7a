package org.xmtpj.client;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * Decoded message content: its type, codec parameters, an optional human-readable fallback for clients that do not
 * know the type, and the content bytes (already decompressed).
 */
public record Content(ContentType type, Map<String, String> parameters, String fallback, byte[] bytes) {

  public Content {
    Objects.requireNonNull(type, "type");
    parameters = Map.copyOf(parameters == null ? Map.of() : parameters);
    bytes = Objects.requireNonNull(bytes, "bytes").clone();
  }

  /** UTF-8 text, as xmtp-js's text codec encodes it. */
  public static Content text(String text) {
    return new Content(ContentType.TEXT, Map.of("encoding", "UTF-8"), null,
        Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public boolean isText() {
    return type.sameKind(ContentType.TEXT);
  }

  /** The text for text content; for other types the fallback, or null when there is none. */
  public String text() {
    return isText() ? new String(bytes, StandardCharsets.UTF_8) : fallback;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Content c && type.equals(c.type) && parameters.equals(c.parameters)
        && Objects.equals(fallback, c.fallback) && java.util.Arrays.equals(bytes, c.bytes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, parameters, fallback, java.util.Arrays.hashCode(bytes));
  }

  @Override
  public String toString() {
    return "Content[" + type + (isText() ? ", \"" + text() + "\"" : ", " + bytes.length + " bytes") + "]";
  }
}
