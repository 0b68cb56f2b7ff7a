package org.xmtpj.testing.malicious;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.xmtpj.proto.replication.v1.HandshakeRequest;
import org.xmtpj.proto.replication.v1.HandshakeResponse;
import org.xmtpj.proto.replication.v1.PushRequest;
import org.xmtpj.proto.replication.v1.ReplicationGrpc;
import org.xmtpj.proto.replication.v1.ReplicationGrpc.ReplicationBlockingStub;

/**
 * One honest node as the malicious node's target: a channel to its replication endpoint, a session opened with a
 * valid handshake, and calls that report their outcome to the {@link Tally}. A call answered UNAUTHENTICATED (the
 * session is gone: the node restarted, or refused it) opens a new session for the next one.
 */
final class Attacker implements AutoCloseable {
  static final Metadata.Key<String> SESSION = Metadata.Key.of("xmtpj-session", Metadata.ASCII_STRING_MARSHALLER);
  private static final long DEADLINE_MS = 10_000;

  final Target target;
  private final ManagedChannel channel;
  private final Handshakes handshakes;
  private final Tally tally;
  private volatile ReplicationBlockingStub session; // null: handshake before the next call

  /** An honest node: its key (hex) and replication port on loopback. */
  record Target(String key, int port) {
    byte[] keyBytes() {
      return HexFormat.of().parseHex(key);
    }
  }

  Attacker(Target target, Handshakes handshakes, Tally tally) {
    this.target = target;
    this.handshakes = handshakes;
    this.tally = tally;
    // no inbound limit of ours and none outbound: the liar sends frames beyond what the node accepts
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", target.port()).usePlaintext()
        .maxInboundMessageSize(64 << 20).build();
  }

  /** A stub without a session, for handshakes. */
  ReplicationBlockingStub bare() {
    return ReplicationGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS);
  }

  /** Sends {@code hello} and returns the answer, or null (tallied) when the node refuses it. */
  HandshakeResponse handshake(String attack, HandshakeRequest hello) {
    return attempt(attack, () -> bare().handshake(hello));
  }

  /** The stub of a valid session, handshaking first if there is none (null if the node refuses one). */
  ReplicationBlockingStub session() {
    ReplicationBlockingStub s = session;
    if (s != null) {
      return s.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS);
    }
    HandshakeResponse welcome = handshake("handshake", handshakes.hello(target.keyBytes(), System.currentTimeMillis()));
    if (welcome == null) {
      return null;
    }
    s = withSession(welcome.getSessionId());
    session = s;
    return s.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS);
  }

  /** A stub that sends {@code sessionId} (a real one, or one the node never issued). */
  ReplicationBlockingStub withSession(ByteString sessionId) {
    Metadata headers = new Metadata();
    headers.put(SESSION, HexFormat.of().formatHex(sessionId.toByteArray()));
    return ReplicationGrpc.newBlockingStub(channel).withInterceptors(
        MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** Pushes {@code events} in one frame under the session. */
  void push(String attack, List<byte[]> events) {
    PushRequest.Builder b = PushRequest.newBuilder();
    events.forEach(e -> b.addEvents(ByteString.copyFrom(e)));
    PushRequest request = b.build();
    withSessionCall(attack, s -> s.push(request));
  }

  /** Runs {@code body} on the session's stub and tallies how it ended. */
  <T> T withSessionCall(String attack, java.util.function.Function<ReplicationBlockingStub, T> body) {
    ReplicationBlockingStub s = session();
    if (s == null) {
      tally.add(attack, "no_session");
      return null;
    }
    try {
      T answer = body.apply(s);
      tally.add(attack, "ok");
      return answer;
    } catch (StatusRuntimeException e) {
      tally.add(attack, e.getStatus().getCode().name());
      if (e.getStatus().getCode() == io.grpc.Status.Code.UNAUTHENTICATED) {
        session = null; // the node no longer knows the session: open another for the next call
      }
      return null;
    }
  }

  /** Runs {@code body} (no session of ours involved) and tallies how it ended; null when it failed. */
  <T> T attempt(String attack, Supplier<T> body) {
    try {
      T answer = body.get();
      tally.add(attack, "ok");
      return answer;
    } catch (StatusRuntimeException e) {
      tally.add(attack, e.getStatus().getCode().name());
      return null;
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
