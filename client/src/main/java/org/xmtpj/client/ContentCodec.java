package org.xmtpj.client;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;
import org.xmtp.proto.message.contents.Compression;
import org.xmtp.proto.message.contents.ContentTypeId;
import org.xmtp.proto.message.contents.EncodedContent;

/**
 * Content to and from {@code EncodedContent}. "deflate" is the zlib format, as the web CompressionStream API that
 * xmtp-js uses produces it.
 */
final class ContentCodec {
  /** Inflating stops here: a small message must not expand into an out-of-memory. */
  static final int MAX_DECOMPRESSED_BYTES = 16 * 1024 * 1024;

  private ContentCodec() {}

  static EncodedContent encode(Content content, SendOptions.Compression compression) {
    EncodedContent.Builder b = EncodedContent.newBuilder()
        .setType(ContentTypeId.newBuilder()
            .setAuthorityId(content.type().authority())
            .setTypeId(content.type().type())
            .setVersionMajor(content.type().versionMajor())
            .setVersionMinor(content.type().versionMinor()))
        .putAllParameters(content.parameters());
    if (content.fallback() != null) {
      b.setFallback(content.fallback());
    }
    byte[] bytes = content.bytes();
    switch (compression) {
      case NONE -> b.setContent(ByteString.copyFrom(bytes));
      case DEFLATE -> b.setCompression(Compression.COMPRESSION_DEFLATE).setContent(ByteString.copyFrom(deflate(bytes)));
      case GZIP -> b.setCompression(Compression.COMPRESSION_GZIP).setContent(ByteString.copyFrom(gzip(bytes)));
    }
    return b.build();
  }

  static Content decode(EncodedContent encoded) throws InvalidDataException {
    if (!encoded.hasType()) {
      throw new InvalidDataException("content has no type");
    }
    ContentTypeId t = encoded.getType();
    ContentType type = new ContentType(t.getAuthorityId(), t.getTypeId(), t.getVersionMajor(), t.getVersionMinor());
    byte[] bytes = encoded.getContent().toByteArray();
    if (encoded.hasCompression()) {
      bytes = switch (encoded.getCompression()) {
        case COMPRESSION_DEFLATE -> inflate(new InflaterInputStream(new ByteArrayInputStream(bytes)));
        case COMPRESSION_GZIP -> inflate(gunzipStream(bytes));
        default -> throw new InvalidDataException("unknown compression " + encoded.getCompressionValue());
      };
    }
    if (type.sameKind(ContentType.TEXT)) {
      String encoding = encoded.getParametersOrDefault("encoding", "UTF-8");
      if (!encoding.equalsIgnoreCase("UTF-8")) {
        throw new InvalidDataException("text content in unsupported encoding " + encoding);
      }
    }
    return new Content(type, encoded.getParametersMap(), encoded.hasFallback() ? encoded.getFallback() : null, bytes);
  }

  private static byte[] deflate(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
      z.write(bytes);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(bytes);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  private static InputStream gunzipStream(byte[] bytes) throws InvalidDataException {
    try {
      return new GZIPInputStream(new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      throw new InvalidDataException("gzip content is corrupt", e);
    }
  }

  private static byte[] inflate(InputStream in) throws InvalidDataException {
    try (in) {
      byte[] out = in.readNBytes(MAX_DECOMPRESSED_BYTES + 1);
      if (out.length > MAX_DECOMPRESSED_BYTES) {
        throw new InvalidDataException("content decompresses to more than " + MAX_DECOMPRESSED_BYTES + " bytes");
      }
      return out;
    } catch (IOException e) {
      throw new InvalidDataException("compressed content is corrupt", e);
    }
  }
}
