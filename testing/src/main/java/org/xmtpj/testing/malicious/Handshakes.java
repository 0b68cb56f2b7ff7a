package org.xmtpj.testing.malicious;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.xmtpj.crypto.Ed25519;
import org.xmtpj.crypto.Ed25519KeyPair;
import org.xmtpj.proto.replication.v1.HandshakeRequest;
import org.xmtpj.proto.replication.v1.HandshakeResponse;

/**
 * The signed handshake of replication.proto, written here from the transcripts the proto documents rather than
 * borrowed from the node (whose implementation is package-private): a malicious node speaks the protocol from the
 * outside, and a replay needs requests it can resend byte for byte.
 */
final class Handshakes {
  private static final byte[] CLIENT_TAG = tag("xmtpj/replication/handshake/client/v1");
  private static final byte[] SERVER_TAG = tag("xmtpj/replication/handshake/server/v1");

  private final Ed25519KeyPair self;
  private final SecureRandom random = new SecureRandom();

  Handshakes(Ed25519KeyPair self) {
    this.self = self;
  }

  /** A valid request to the server with key {@code server}, dated {@code timeMs} (a stale date for a replay). */
  HandshakeRequest hello(byte[] server, long timeMs) {
    byte[] nonce = new byte[32];
    random.nextBytes(nonce);
    byte[] signature = Ed25519.sign(self, clientTranscript(self.publicKey(), server, nonce, timeMs));
    return HandshakeRequest.newBuilder().setClientKey(ByteString.copyFrom(self.publicKey()))
        .setNonce(ByteString.copyFrom(nonce)).setTimeMs(timeMs).setExpectedServerKey(ByteString.copyFrom(server))
        .setSignature(ByteString.copyFrom(signature)).build();
  }

  /**
   * The server side: a valid, signed answer with a fresh session id to any request (the liar wants the honest
   * nodes to open sessions, so that they ask it for data and get lies).
   */
  HandshakeResponse welcome(HandshakeRequest hello) {
    byte[] session = new byte[32];
    random.nextBytes(session);
    byte[] transcript = serverTranscript(self.publicKey(), hello.getClientKey().toByteArray(),
        hello.getNonce().toByteArray(), session);
    return HandshakeResponse.newBuilder().setServerKey(ByteString.copyFrom(self.publicKey()))
        .setSessionId(ByteString.copyFrom(session)).setSignature(ByteString.copyFrom(Ed25519.sign(self, transcript)))
        .build();
  }

  private static byte[] clientTranscript(byte[] clientKey, byte[] expectedServerKey, byte[] nonce, long timeMs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(CLIENT_TAG);
    out.writeBytes(clientKey);
    out.writeBytes(expectedServerKey);
    out.writeBytes(nonce);
    out.writeBytes(ByteBuffer.allocate(8).putLong(timeMs).array());
    return out.toByteArray();
  }

  private static byte[] serverTranscript(byte[] serverKey, byte[] clientKey, byte[] clientNonce, byte[] session) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(SERVER_TAG);
    out.writeBytes(serverKey);
    out.writeBytes(clientKey);
    out.writeBytes(clientNonce);
    out.writeBytes(session);
    return out.toByteArray();
  }

  private static byte[] tag(String s) {
    return (s + "\0").getBytes(StandardCharsets.US_ASCII);
  }
}
