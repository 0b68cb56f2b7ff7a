package org.xmtpj.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Reads the xmtp-js test vectors (a copy of shared/vectors/xmtp-v2-vectors.json) as a flat map from dotted paths,
 * e.g. {@code "A.authToken.base64"}, to string values. A tiny JSON reader keeps the test classpath free of a JSON
 * library; it handles the objects, strings and numbers the vector file contains.
 */
public final class TestVectors {
  private static final Map<String, String> VALUES = load();

  private TestVectors() {}

  public static String get(String path) {
    String value = VALUES.get(path);
    if (value == null) {
      throw new IllegalArgumentException("no test vector at " + path);
    }
    return value;
  }

  /** Hex value, with or without a 0x prefix. */
  public static byte[] hex(String path) {
    String value = get(path);
    return HexFormat.of().parseHex(value.startsWith("0x") ? value.substring(2) : value);
  }

  private static Map<String, String> load() {
    try (InputStream in = TestVectors.class.getResourceAsStream("/xmtp-v2-vectors.json")) {
      if (in == null) {
        throw new IllegalStateException("xmtp-v2-vectors.json is not on the test classpath");
      }
      Map<String, String> values = new HashMap<>();
      new Reader(new String(in.readAllBytes(), StandardCharsets.UTF_8)).value("", values);
      return values;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class Reader {
    private final String text;
    private int pos;

    Reader(String text) {
      this.text = text;
    }

    void value(String path, Map<String, String> out) {
      char c = peek();
      if (c == '{') {
        object(path, out);
      } else if (c == '"') {
        out.put(path, string());
      } else {
        int start = pos;
        while (pos < text.length() && ",}] \n\r\t".indexOf(text.charAt(pos)) < 0) {
          pos++;
        }
        out.put(path, text.substring(start, pos));
      }
    }

    private void object(String path, Map<String, String> out) {
      expect('{');
      if (peek() == '}') {
        pos++;
        return;
      }
      while (true) {
        String key = string();
        expect(':');
        value(path.isEmpty() ? key : path + "." + key, out);
        char c = peek();
        pos++;
        if (c == '}') {
          return;
        }
        if (c != ',') {
          throw new IllegalStateException("expected , or } at " + pos);
        }
      }
    }

    private String string() {
      expect('"');
      StringBuilder sb = new StringBuilder();
      while (text.charAt(pos) != '"') {
        char c = text.charAt(pos++);
        if (c == '\\') {
          char e = text.charAt(pos++);
          switch (e) {
            case 'n' -> sb.append('\n');
            case 't' -> sb.append('\t');
            case 'u' -> {
              sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
              pos += 4;
            }
            default -> sb.append(e);
          }
        } else {
          sb.append(c);
        }
      }
      pos++;
      return sb.toString();
    }

    private void expect(char c) {
      if (peek() != c) {
        throw new IllegalStateException("expected " + c + " at " + pos);
      }
      pos++;
    }

    private char peek() {
      while (Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
      return text.charAt(pos);
    }
  }
}
