package org.xmtpj.bench;

import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xmtpj.testing.CountingProxy;

/**
 * Accounts the bytes of plaintext HTTP/2 (h2c, as gRPC without TLS) seen by a {@link CountingProxy}: every frame,
 * 9-byte header included, is charged either to its stream (one gRPC call: request and response headers,
 * messages, trailers) or, for stream 0, to the connection by frame type (SETTINGS, PING, WINDOW_UPDATE, GOAWAY).
 * Request header blocks are HPACK-decoded (in order, one decoder per connection) to name each call's method.
 */
final class H2Tally implements CountingProxy.Tap {
  static final String[] TYPES = {"DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE", "PING",
      "GOAWAY", "WINDOW_UPDATE", "CONTINUATION"};
  private static final int PREFACE = 24;

  /** One gRPC call (HTTP/2 stream). */
  static final class Call {
    final long connection;
    final int stream;
    final long startNanos;
    String method = "?";
    long requestBytes;
    long responseBytes;
    int requestFrames;
    int responseFrames;

    Call(long connection, int stream, long startNanos) {
      this.connection = connection;
      this.stream = stream;
      this.startNanos = startNanos;
    }
  }

  /** Bytes and frames per connection-level frame type and direction ("UP PING"), plus the client preface. */
  private final Map<String, long[]> connectionFrames = new TreeMap<>();
  private final Map<Long, Call> calls = new HashMap<>(); // key: connection << 32 | stream
  private final List<Call> ordered = new ArrayList<>();
  private final Map<String, Parser> parsers = new HashMap<>();

  @Override
  public synchronized void bytes(long connection, CountingProxy.Direction direction, byte[] data, int off, int len) {
    parsers.computeIfAbsent(connection + " " + direction, k -> new Parser(connection, direction))
        .feed(data, off, len);
  }

  /** A copy of the calls started at or after {@code fromNanos} and before {@code toNanos}. */
  synchronized List<Call> calls(long fromNanos, long toNanos) {
    return ordered.stream().filter(c -> c.startNanos >= fromNanos && c.startNanos < toNanos).toList();
  }

  /** A snapshot of the connection-level counters: "UP PING" → {bytes, frames}. */
  synchronized Map<String, long[]> connectionFrames() {
    Map<String, long[]> copy = new TreeMap<>();
    connectionFrames.forEach((k, v) -> copy.put(k, v.clone()));
    return copy;
  }

  private final class Parser {
    final long connection;
    final CountingProxy.Direction direction;
    final boolean up;
    final DefaultHttp2HeadersDecoder hpack = new DefaultHttp2HeadersDecoder(false);
    byte[] buf = new byte[64 * 1024];
    int len;
    int prefaceLeft;
    ByteArrayOutputStream headerBlock; // a request header block continued by CONTINUATION frames
    int headerStream;

    Parser(long connection, CountingProxy.Direction direction) {
      this.connection = connection;
      this.direction = direction;
      this.up = direction == CountingProxy.Direction.UP;
      this.prefaceLeft = up ? PREFACE : 0;
    }

    void feed(byte[] data, int off, int n) {
      if (prefaceLeft > 0) {
        int skip = Math.min(prefaceLeft, n);
        prefaceLeft -= skip;
        charge("UP preface", skip);
        off += skip;
        n -= skip;
      }
      if (len + n > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
      System.arraycopy(data, off, buf, len, n);
      len += n;
      int pos = 0;
      while (len - pos >= 9) {
        int length = ((buf[pos] & 0xff) << 16) | ((buf[pos + 1] & 0xff) << 8) | (buf[pos + 2] & 0xff);
        if (len - pos < 9 + length) {
          break;
        }
        int type = buf[pos + 3] & 0xff;
        int flags = buf[pos + 4] & 0xff;
        int stream = ((buf[pos + 5] & 0x7f) << 24) | ((buf[pos + 6] & 0xff) << 16) | ((buf[pos + 7] & 0xff) << 8)
            | (buf[pos + 8] & 0xff);
        frame(type, flags, stream, pos + 9, length);
        pos += 9 + length;
      }
      System.arraycopy(buf, pos, buf, 0, len - pos);
      len -= pos;
    }

    private void frame(int type, int flags, int stream, int payload, int length) {
      int total = 9 + length;
      if (stream == 0) {
        charge(direction + " " + (type < TYPES.length ? TYPES[type] : "type" + type), total);
        return;
      }
      long key = (connection << 32) | stream;
      Call call = calls.get(key);
      if (call == null) {
        call = new Call(connection, stream, System.nanoTime());
        calls.put(key, call);
        ordered.add(call);
      }
      if (up) {
        call.requestBytes += total;
        call.requestFrames++;
        if (type == 1) { // HEADERS: [pad length] [priority 5 bytes] block [padding]
          int start = payload;
          int end = payload + length;
          if ((flags & 0x8) != 0) {
            end -= buf[start] & 0xff;
            start++;
          }
          if ((flags & 0x20) != 0) {
            start += 5;
          }
          headerBlock = new ByteArrayOutputStream();
          headerBlock.write(buf, start, end - start);
          headerStream = stream;
          if ((flags & 0x4) != 0) {
            decode(call);
          }
        } else if (type == 9 && headerBlock != null && stream == headerStream) {
          headerBlock.write(buf, payload, length);
          if ((flags & 0x4) != 0) {
            decode(call);
          }
        }
      } else {
        call.responseBytes += total;
        call.responseFrames++;
      }
    }

    private void decode(Call call) {
      try {
        Http2Headers h = hpack.decodeHeaders(call.stream, Unpooled.wrappedBuffer(headerBlock.toByteArray()));
        CharSequence path = h.path();
        if (path != null) {
          String p = path.toString();
          call.method = p.substring(p.lastIndexOf('/') + 1);
        }
      } catch (Http2Exception | RuntimeException e) {
        call.method = "? (" + e.getClass().getSimpleName() + ")";
      }
      headerBlock = null;
    }
  }

  private void charge(String what, long bytes) {
    long[] c = connectionFrames.computeIfAbsent(what, k -> new long[2]);
    c[0] += bytes;
    c[1]++;
  }
}
