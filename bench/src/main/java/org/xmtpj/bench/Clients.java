package org.xmtpj.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtp.proto.message.api.v1.MessageApiGrpc;
import org.xmtpj.crypto.auth.AuthTokens;

/** Client-side building blocks shared by the scenarios: identities, channels, topics and envelopes. */
final class Clients {
  private static final SecureRandom RANDOM = new SecureRandom();
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private Clients() {}

  /** A fresh wallet + identity key pair and its publish token ("Bearer …"), as an xmtp-js client would make. */
  static String newToken() {
    long now = System.currentTimeMillis();
    return AuthTokens.create(randomPrivateKey(), randomPrivateKey(), now, now * 1_000_000L);
  }

  static byte[] randomPrivateKey() {
    return org.xmtpj.crypto.Secp256k1.generatePrivateKey(RANDOM);
  }


  static List<ManagedChannel> channels(int port, int count) {
    List<ManagedChannel> channels = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      channels.add(NettyChannelBuilder.forAddress("127.0.0.1", port)
          .usePlaintext()
          .directExecutor() // callbacks only record and send the next request; they never block
          .maxInboundMessageSize(64 << 20)
          .build());
    }
    return channels;
  }

  static void shutdown(List<ManagedChannel> channels) {
    channels.forEach(ManagedChannel::shutdownNow);
    for (ManagedChannel c : channels) {
      try {
        c.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  static MessageApiGrpc.MessageApiStub asyncStub(ManagedChannel channel, String token) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, token);
    return MessageApiGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  static MessageApiGrpc.MessageApiBlockingStub blockingStub(ManagedChannel channel, String token) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, token);
    return MessageApiGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** Topic {@code i} of the benchmark: an ordinary, stored, unrestricted XMTP conversation topic. */
  static String topic(int i) {
    return "/xmtp/0/m-bench-" + i + "/proto";
  }

  static String randomTopic(int topics) {
    return topic(ThreadLocalRandom.current().nextInt(topics));
  }

  /** {@code size} random bytes; never identical to another message, so the node stores every one. */
  static byte[] randomMessage(int size) {
    byte[] message = new byte[size];
    ThreadLocalRandom.current().nextBytes(message);
    return message;
  }

  /**
   * A message whose first 16 bytes are the send time ({@link System#nanoTime}, this JVM) and a sequence number,
   * followed by random bytes up to {@code size}.
   */
  static byte[] stampedMessage(int size, long sendNanos, long seq) {
    byte[] message = randomMessage(Math.max(16, size));
    ByteBuffer.wrap(message).putLong(sendNanos).putLong(seq);
    return message;
  }

  static Envelope envelope(String topic, byte[] message) {
    return Envelope.newBuilder()
        .setContentTopic(topic)
        .setTimestampNs(timestampNs())
        .setMessage(ByteString.copyFrom(message))
        .build();
  }

  /** Wall-clock nanoseconds, made unique within this process by a counter in the sub-millisecond digits. */
  static long timestampNs() {
    return System.currentTimeMillis() * 1_000_000L + SEQUENCE.incrementAndGet() % 1_000_000L;
  }

  /** The HTTP/JSON body of a one-envelope publish, as grpc-gateway's protojson expects it. */
  static String publishJson(String topic, byte[] message) {
    return "{\"envelopes\":[{\"contentTopic\":\"" + topic + "\",\"timestampNs\":\"" + timestampNs()
        + "\",\"message\":\"" + Base64.getEncoder().encodeToString(message) + "\"}]}";
  }
}
