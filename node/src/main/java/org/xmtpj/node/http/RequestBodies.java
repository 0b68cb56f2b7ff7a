package org.xmtpj.node.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.xmtpj.node.api.ApiException;
import org.xmtpj.node.api.ErrorCode;
import org.xmtpj.node.api.MessageApiCore;
import org.xmtpj.node.budget.MemoryBudget;

/**
 * Reads request bodies within {@code limits.maxRequestBytes} and books their heap on the request's lease before it
 * is taken: a declared length up front, a chunked body chunk by chunk. So many uploads at once meet the node's
 * in-flight budget (and a 429 {@code node_busy}) rather than its heap limit, and a client that trickles its body
 * holds only what it has sent.
 */
final class RequestBodies {
  /** Heap per body byte until the answer leaves: the bytes, the buffer they grew in, and what they parse into. */
  static final int HEAP_PER_BODY_BYTE = 3;
  private static final int CHUNK = 64 * 1024;

  private RequestBodies() {}

  static byte[] read(HttpExchange ex, int max, MemoryBudget.Lease lease) {
    long declared = parseLength(ex.getRequestHeaders().getFirst("Content-Length"));
    if (declared > max) {
      throw tooLarge(max);
    }
    try (InputStream in = ex.getRequestBody()) {
      if (declared >= 0) {
        book(lease, declared);
        byte[] bytes = in.readNBytes((int) declared);
        if (in.read() != -1) {
          throw new ApiException(ErrorCode.INVALID_ARGUMENT, "unreadable_body", "request body is longer than its"
              + " Content-Length of " + declared + " bytes");
        }
        return bytes;
      }
      return chunked(in, max, lease);
    } catch (IOException e) {
      throw new ApiException(ErrorCode.INVALID_ARGUMENT, "unreadable_body", "cannot read request body: "
          + e.getMessage());
    }
  }

  private static byte[] chunked(InputStream in, int max, MemoryBudget.Lease lease) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[CHUNK];
    for (int n = in.readNBytes(chunk, 0, CHUNK); n > 0; n = in.readNBytes(chunk, 0, CHUNK)) {
      if (out.size() + n > max) {
        throw tooLarge(max);
      }
      book(lease, n);
      out.write(chunk, 0, n);
    }
    return out.toByteArray();
  }

  private static void book(MemoryBudget.Lease lease, long bodyBytes) {
    try {
      lease.add(bodyBytes * HEAP_PER_BODY_BYTE, MessageApiCore.BUSY_WAIT);
    } catch (MemoryBudget.BudgetExhausted e) {
      throw MessageApiCore.busy(e);
    }
  }

  private static long parseLength(String value) {
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new ApiException(ErrorCode.INVALID_ARGUMENT, "unreadable_body", "Content-Length is not a number: "
          + value);
    }
  }

  static ApiException tooLarge(int max) {
    return new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "body_too_large",
        "request body exceeds the limit of " + max + " bytes");
  }
}
