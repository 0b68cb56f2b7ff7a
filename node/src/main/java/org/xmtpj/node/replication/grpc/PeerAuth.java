package org.xmtpj.node.replication.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.xmtpj.crypto.Ed25519;
import org.xmtpj.crypto.Ed25519KeyPair;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.node.replication.Membership;
import org.xmtpj.node.replication.PeerException;
import org.xmtpj.proto.replication.v1.HandshakeRequest;
import org.xmtpj.proto.replication.v1.HandshakeResponse;

/**
 * The signed handshake between two nodes (transcripts in replication.proto). The client signs a fresh nonce, its
 * clock and the key it expects the server to have; the server answers with a session id, signed together with the
 * client's key and nonce, so the answer is bound to this request and cannot come from a replay.
 *
 * <p>Residual risk, by design: over plaintext a session id is a bearer token, and a captured handshake to an
 * unpinned server could be replayed to another node that allows the client within the ±5 min window. TLS between
 * nodes closes both; pinning closes the second.
 */
final class PeerAuth {
  static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
  private static final byte[] CLIENT_TAG = tag("xmtpj/replication/handshake/client/v1");
  private static final byte[] SERVER_TAG = tag("xmtpj/replication/handshake/server/v1");
  private static final byte[] REFUSAL_TAG = tag("xmtpj/replication/handshake/refusal/v1");
  /**
   * On a refusal (PERMISSION_DENIED) the server still proves its key: server key ‖ Ed25519 signature over
   * REFUSAL_TAG ‖ server key ‖ client key ‖ client nonce. An unpinned client learns whom it dialled, so two nodes
   * that list each other unpinned can meet whichever dials first (docs/replication.md §4.1).
   */
  static final Metadata.Key<byte[]> IDENTITY_TRAILER =
      Metadata.Key.of("xmtpj-server-identity-bin", Metadata.BINARY_BYTE_MARSHALLER);
  /** Refusal proofs cost a signature each, so strangers get a bounded number per second; the rest get none. */
  static final int MAX_REFUSAL_PROOFS_PER_SECOND = 50;
  private static final byte[] NO_KEY = new byte[32];

  private final Ed25519KeyPair self;
  private final OriginKey selfKey;
  private final Clock clock;
  private final SecureRandom random;
  private long proofWindowMs; // guarded by this
  private int proofsInWindow; // guarded by this

  PeerAuth(Ed25519KeyPair self, Clock clock, SecureRandom random) {
    this.self = self;
    this.selfKey = new OriginKey(self.publicKey());
    this.clock = clock;
    this.random = random;
  }

  OriginKey selfKey() {
    return selfKey;
  }

  // ---- client side

  /** A fresh, signed handshake request; {@code expectedServer} is the pinned key, or null. */
  HandshakeRequest hello(OriginKey expectedServer) {
    byte[] nonce = new byte[32];
    random.nextBytes(nonce);
    long time = clock.millis();
    byte[] expected = expectedServer == null ? NO_KEY : expectedServer.bytes();
    byte[] signature = Ed25519.sign(self, clientTranscript(self.publicKey(), expected, nonce, time));
    HandshakeRequest.Builder b = HandshakeRequest.newBuilder()
        .setClientKey(ByteString.copyFrom(self.publicKey()))
        .setNonce(ByteString.copyFrom(nonce))
        .setTimeMs(time)
        .setSignature(ByteString.copyFrom(signature));
    if (expectedServer != null) {
      b.setExpectedServerKey(ByteString.copyFrom(expected));
    }
    return b.build();
  }

  /** Checks the server's answer to {@code hello}; returns the server's verified key. */
  OriginKey verifyWelcome(HandshakeRequest hello, HandshakeResponse welcome, OriginKey expectedServer) {
    byte[] serverKey = welcome.getServerKey().toByteArray();
    byte[] sessionId = welcome.getSessionId().toByteArray();
    if (serverKey.length != 32 || sessionId.length != 32 || welcome.getSignature().size() != 64) {
      throw new PeerException(PeerException.Kind.PROTOCOL, "malformed handshake answer");
    }
    byte[] transcript = serverTranscript(serverKey, self.publicKey(), hello.getNonce().toByteArray(), sessionId);
    if (!Ed25519.verify(serverKey, transcript, welcome.getSignature().toByteArray())) {
      throw new PeerException(PeerException.Kind.REFUSED, "handshake answer is not signed by the server's key");
    }
    OriginKey key = new OriginKey(serverKey);
    if (expectedServer != null && !expectedServer.equals(key)) {
      throw new PeerException(PeerException.Kind.REFUSED,
          "peer has node key " + key.hex() + ", but " + expectedServer.hex() + " is pinned");
    }
    if (key.equals(selfKey)) {
      throw new PeerException(PeerException.Kind.REFUSED, "peer is this node");
    }
    return key;
  }

  /**
   * The key a refusing server proved in its trailers, or null when the failure carries no valid proof (another
   * error, a pinned peer's refusal, a server over its proof budget).
   */
  OriginKey keyFromRefusal(HandshakeRequest hello, Throwable error) {
    Metadata trailers = Status.trailersFromThrowable(error);
    byte[] proof = trailers == null ? null : trailers.get(IDENTITY_TRAILER);
    if (Status.fromThrowable(error).getCode() != Status.Code.PERMISSION_DENIED || proof == null
        || proof.length != 96) {
      return null;
    }
    byte[] serverKey = java.util.Arrays.copyOfRange(proof, 0, 32);
    byte[] signature = java.util.Arrays.copyOfRange(proof, 32, 96);
    byte[] transcript = refusalTranscript(serverKey, self.publicKey(), hello.getNonce().toByteArray());
    OriginKey key = new OriginKey(serverKey);
    return Ed25519.verify(serverKey, transcript, signature) && !key.equals(selfKey) ? key : null;
  }

  // ---- server side

  /**
   * Authenticates a client and opens a session. Throws UNAUTHENTICATED for a request that proves nothing (bad
   * signature, stale clock, replay, wrong server), PERMISSION_DENIED for a valid key that is not an allowed peer.
   */
  HandshakeResponse welcome(HandshakeRequest hello, Membership membership, Sessions sessions) {
    byte[] clientKey = hello.getClientKey().toByteArray();
    byte[] nonce = hello.getNonce().toByteArray();
    byte[] expected = hello.getExpectedServerKey().toByteArray();
    if (clientKey.length != 32 || nonce.length != 32 || hello.getSignature().size() != 64
        || (expected.length != 0 && expected.length != 32)) {
      throw fail(Status.INVALID_ARGUMENT, "malformed handshake: client_key and nonce must be 32 bytes, signature 64,"
          + " expected_server_key empty or 32");
    }
    if (expected.length == 32 && !selfKey.equals(new OriginKey(expected))) {
      throw fail(Status.UNAUTHENTICATED, "handshake is addressed to node " + new OriginKey(expected).hex()
          + ", this is " + selfKey.hex());
    }
    long skew = Math.abs(clock.millis() - hello.getTimeMs());
    if (hello.getTimeMs() < 0 || skew > MAX_CLOCK_SKEW.toMillis()) {
      throw fail(Status.UNAUTHENTICATED, "handshake time is " + (skew / 1000) + " s away from this node's clock"
          + " (at most " + MAX_CLOCK_SKEW.toSeconds() + " s)");
    }
    OriginKey client = new OriginKey(clientKey);
    if (!membership.isAllowedPeer(client)) {
      Metadata trailers = new Metadata();
      if (refusalProofAllowed()) {
        byte[] signature = Ed25519.sign(self, refusalTranscript(self.publicKey(), clientKey, nonce));
        byte[] proof = new byte[96];
        System.arraycopy(self.publicKey(), 0, proof, 0, 32);
        System.arraycopy(signature, 0, proof, 32, 64);
        trailers.put(IDENTITY_TRAILER, proof);
      }
      throw Status.PERMISSION_DENIED.withDescription("node " + client.hex() + " is not an allowed peer of node "
          + selfKey.hex()).asRuntimeException(trailers);
    }
    byte[] transcript = clientTranscript(clientKey, expected.length == 0 ? NO_KEY : expected, nonce,
        hello.getTimeMs());
    if (!Ed25519.verify(clientKey, transcript, hello.getSignature().toByteArray())) {
      throw fail(Status.UNAUTHENTICATED, "handshake signature does not verify");
    }
    switch (sessions.use(client, nonce)) {
      case REPLAYED -> throw fail(Status.UNAUTHENTICATED, "handshake nonce was already used");
      case PEER_LIMIT -> throw fail(Status.RESOURCE_EXHAUSTED, "node " + client.hex() + " made "
          + Sessions.MAX_NONCES_PER_PEER + " handshakes within " + PeerAuth.MAX_CLOCK_SKEW.multipliedBy(2).toMinutes()
          + " min; retry later");
      case FRESH -> { }
    }
    byte[] sessionId = sessions.open(client);
    byte[] signature = Ed25519.sign(self, serverTranscript(self.publicKey(), clientKey, nonce, sessionId));
    return HandshakeResponse.newBuilder()
        .setServerKey(ByteString.copyFrom(self.publicKey()))
        .setSessionId(ByteString.copyFrom(sessionId))
        .setSignature(ByteString.copyFrom(signature))
        .build();
  }

  private synchronized boolean refusalProofAllowed() {
    long now = clock.millis();
    if (now - proofWindowMs >= 1000 || now < proofWindowMs) {
      proofWindowMs = now;
      proofsInWindow = 0;
    }
    return ++proofsInWindow <= MAX_REFUSAL_PROOFS_PER_SECOND;
  }

  // ---- transcripts

  static byte[] refusalTranscript(byte[] serverKey, byte[] clientKey, byte[] clientNonce) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(REFUSAL_TAG.length + 96);
    out.writeBytes(REFUSAL_TAG);
    out.writeBytes(serverKey);
    out.writeBytes(clientKey);
    out.writeBytes(clientNonce);
    return out.toByteArray();
  }

  static byte[] clientTranscript(byte[] clientKey, byte[] expectedServerKey, byte[] nonce, long timeMs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(CLIENT_TAG.length + 104);
    out.writeBytes(CLIENT_TAG);
    out.writeBytes(clientKey);
    out.writeBytes(expectedServerKey);
    out.writeBytes(nonce);
    out.writeBytes(ByteBuffer.allocate(8).putLong(timeMs).array());
    return out.toByteArray();
  }

  static byte[] serverTranscript(byte[] serverKey, byte[] clientKey, byte[] clientNonce, byte[] sessionId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(SERVER_TAG.length + 128);
    out.writeBytes(SERVER_TAG);
    out.writeBytes(serverKey);
    out.writeBytes(clientKey);
    out.writeBytes(clientNonce);
    out.writeBytes(sessionId);
    return out.toByteArray();
  }

  private static byte[] tag(String s) {
    return (s + "\0").getBytes(StandardCharsets.US_ASCII);
  }

  private static StatusRuntimeException fail(Status status, String message) {
    return status.withDescription(message).asRuntimeException();
  }
}
