package org.xmtpj.node.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;
import org.xmtpj.node.api.ApiException;
import org.xmtpj.node.api.ErrorCode;

/**
 * protojson as grpc-gateway speaks it: lowerCamelCase, uint64 as strings, standard base64, enum names, unknown
 * fields ignored on input, unpopulated fields emitted on output, and always one line (stream framing depends on
 * it).
 */
final class JsonWire {
  /** The domain of our ErrorInfo reasons (google.rpc.ErrorInfo: "the logical grouping to which the reason belongs"). */
  static final String ERROR_DOMAIN = "xmtpj.node";
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace().alwaysPrintFieldsWithNoPresence();
  private static final JsonFormat.Printer COMPACT = JsonFormat.printer().omittingInsignificantWhitespace();

  private JsonWire() {}

  /** Parses JSON whatever the Content-Type says (xmtp-js sends text/plain), or binary protobuf if declared. */
  static <B extends Message.Builder> B parse(byte[] body, String contentType, B builder) {
    try {
      if (contentType != null && contentType.startsWith("application/x-protobuf")) {
        builder.mergeFrom(body);
      } else if (body.length > 0) {
        PARSER.merge(new String(body, StandardCharsets.UTF_8), builder);
      }
      return builder;
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new ApiException(ErrorCode.INVALID_ARGUMENT, "malformed_body", "invalid request body: "
          + describe(e));
    }
  }

  private static String describe(Exception e) {
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return msg.length() > 300 ? msg.substring(0, 300) + "…" : msg;
  }

  static byte[] print(Message m) {
    try {
      return PRINTER.print(m).getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + m.getDescriptorForType().getFullName(), e);
    }
  }

  /** Prints {@code m} onto {@code out} as {@link #print} would, without building the whole text first. */
  static void printTo(Message m, Appendable out) throws java.io.IOException {
    PRINTER.appendTo(m, out);
  }

  /** A stream line: {@code {"result":<envelope>}\n}. */
  static byte[] streamLine(Message envelope) {
    try {
      return ("{\"result\":" + COMPACT.print(envelope) + "}\n").getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * grpc-gateway's error body; the machine-readable reason goes in a {@code google.rpc.ErrorInfo} detail, as
   * grpc-gateway renders one ({@code {"@type": …, "reason": …, "domain": …}}).
   */
  static byte[] error(ErrorCode code, String reason, String message) {
    StringBuilder sb = new StringBuilder("{\"code\":").append(code.grpcCode()).append(",\"message\":\"");
    appendEscaped(sb, message);
    sb.append("\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"");
    appendEscaped(sb, reason);
    return sb.append("\",\"domain\":\"").append(ERROR_DOMAIN).append("\"}]}").toString()
        .getBytes(StandardCharsets.UTF_8);
  }

  private static void appendEscaped(StringBuilder sb, String text) {
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
  }
}
