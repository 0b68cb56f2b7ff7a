package org.xmtpj.client;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.xmtp.proto.message.contents.Ciphertext;
import org.xmtp.proto.message.contents.InvitationV1;
import org.xmtpj.crypto.Hkdf;
import org.xmtpj.crypto.RecoverableSignature;
import org.xmtpj.crypto.Secp256k1;
import org.xmtpj.crypto.Sha256;

/**
 * The Java SDK's per-message and per-conversation CPU cost, single-threaded, through the SDK's own code paths. It
 * lives in the SDK's package (a split package on the class path, no JPMS) to reach the package-private steps that
 * {@link Conversation#send} and the streams call: {@link MessagesV2}, {@link Invitations}, {@link Ciphertexts}.
 * Run it with {@code bench/run.sh sdk-crypto}, which pins the JVM to one core.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SdkCryptoBench {

  /** Two users (alice sends, bob receives) with a conversation between them, as after newConversation. */
  @State(Scope.Thread)
  public static class Parties {
    SecureRandom random;
    PrivateIdentity alice;
    PrivateIdentity bob;
    PeerKeys bobKeys;
    String topic;
    byte[] keyMaterial;
    byte[] sealedInvitation;
    long invitationNs;
    byte[] hash;
    RecoverableSignature signature;
    byte[] alicePreKey;
    byte[] salt;
    byte[] identityKeyBytes;
    org.xmtp.proto.message.contents.Signature identityKeySignature;

    @Setup
    public void setup() throws InvalidDataException {
      random = new SecureRandom(); // what XmtpClient.Builder uses by default
      long nowMs = System.currentTimeMillis();
      alice = PrivateIdentity.create(Signer.privateKey(Secp256k1.generatePrivateKey(random)), nowMs, random);
      bob = PrivateIdentity.create(Signer.privateKey(Secp256k1.generatePrivateKey(random)), nowMs, random);
      bobKeys = ContactBundles.verify(bob.signedBundle());
      InvitationV1 invitation = Invitations.create(alice, bobKeys, null, Map.of());
      topic = invitation.getTopic();
      keyMaterial = invitation.getAes256GcmHkdfSha256().getKeyMaterial().toByteArray();
      invitationNs = nowMs * 1_000_000L;
      sealedInvitation = Invitations.seal(alice, bobKeys, invitation, invitationNs, random);
      if (!Invitations.open(bob, sealedInvitation, invitationNs).topic().equals(topic)) {
        throw new IllegalStateException("bob does not see alice's topic");
      }
      hash = Sha256.hash("a message header and payload".getBytes(StandardCharsets.UTF_8));
      signature = alice.signWithPreKey(hash);
      alicePreKey = alice.preKeyPublicKey();
      identityKeyBytes = alice.signedBundle().getIdentityKey().getKeyBytes().toByteArray();
      identityKeySignature = alice.signedBundle().getIdentityKey().getSignature();
      salt = new byte[Ciphertexts.SALT_LENGTH];
      random.nextBytes(salt);
    }
  }

  /** Alice, bob and one text message of {@code size} bytes, also as alice encoded it. */
  @State(Scope.Thread)
  public static class Text {
    @Param({"100", "1024", "65536"})
    public int size;
    final Parties p = new Parties(); // not a state dependency: JMH may set those up in another order
    Content content;
    long createdNs;
    byte[] encoded;
    byte[] plaintext;
    byte[] aad;

    @Setup
    public void setup() throws InvalidDataException {
      p.setup();
      StringBuilder text = new StringBuilder(size);
      String words = "gm! are we still on for lunch tomorrow at noon, the usual place by the river? ";
      while (text.length() < size) {
        text.append(words, 0, Math.min(words.length(), size - text.length()));
      }
      content = Content.text(text.toString());
      createdNs = System.currentTimeMillis() * 1_000_000L;
      encoded = MessagesV2.encode(p.alice, p.topic, p.keyMaterial,
          ContentCodec.encode(content, SendOptions.Compression.NONE), createdNs, true, p.random);
      DecodedMessage check = MessagesV2.decode(p.topic, p.keyMaterial, encoded, p.bob.address(), p.alice.address());
      if (!check.text().equals(text.toString())) {
        throw new IllegalStateException("round trip changed the text");
      }
      plaintext = new byte[size + 300]; // roughly the SignedContent that encode encrypts (payload + sender bundle)
      p.random.nextBytes(plaintext);
      aad = new byte[80];
    }
  }

  /**
   * 100-byte messages from more senders than the SDK's verified-bundle cache holds (4,096), read in a cycle, so that
   * every decode verifies its sender's bundle: the cost of a message from a sender not seen lately.
   */
  @State(Scope.Thread)
  public static class Strangers {
    static final int SENDERS = 5000;
    final Parties p = new Parties();
    String[] addresses = new String[SENDERS];
    byte[][] messages = new byte[SENDERS][];
    int next;

    @Setup
    public void setup() throws InvalidDataException {
      p.setup();
      long nowMs = System.currentTimeMillis();
      EncodedContentHolder text = new EncodedContentHolder();
      for (int i = 0; i < SENDERS; i++) {
        PrivateIdentity sender =
            PrivateIdentity.create(Signer.privateKey(Secp256k1.generatePrivateKey(p.random)), nowMs, p.random);
        addresses[i] = sender.address();
        messages[i] = MessagesV2.encode(sender, p.topic, p.keyMaterial, text.content, nowMs * 1_000_000L, true,
            p.random);
      }
    }
  }

  private static final class EncodedContentHolder {
    final org.xmtp.proto.message.contents.EncodedContent content = ContentCodec.encode(
        Content.text("gm! are we still on for lunch tomorrow at noon, the usual place by the river? see you!!"),
        SendOptions.Compression.NONE);
  }

  /** What the sender's CPU does per message before publishing: encode + sign with the pre-key + encrypt + HMAC. */
  @Benchmark
  public byte[] encode(Text t) {
    return MessagesV2.encode(t.p.alice, t.p.topic, t.p.keyMaterial,
        ContentCodec.encode(t.content, SendOptions.Compression.NONE), t.createdNs, true, t.p.random);
  }

  /**
   * What a receiver's CPU does per message of a conversation: decrypt, verify the signature and the HMAC; the sender
   * bundle is the same on every message, so after the first it comes from the verified-bundle cache.
   */
  @Benchmark
  public DecodedMessage decode(Text t) throws InvalidDataException {
    return MessagesV2.decode(t.p.topic, t.p.keyMaterial, t.encoded, t.p.bob.address(), t.p.alice.address());
  }

  /** Decode of a message whose sender bundle is not cached: also a public-key recovery and an ECDSA verify. */
  @Benchmark
  public DecodedMessage decodeUncachedSender(Strangers s) throws InvalidDataException {
    int i = s.next;
    s.next = (i + 1) % Strangers.SENDERS;
    return MessagesV2.decode(s.p.topic, s.p.keyMaterial, s.messages[i], s.p.bob.address(), s.addresses[i]);
  }

  /**
   * The CPU of {@link Conversation#send} without the network: encode, and the message id (sha256) of the result it
   * returns (since d173895 it no longer decodes what it just encoded).
   */
  @Benchmark
  public DecodedMessage sendPath(Text t) {
    byte[] message = MessagesV2.encode(t.p.alice, t.p.topic, t.p.keyMaterial,
        ContentCodec.encode(t.content, SendOptions.Compression.NONE), t.createdNs, true, t.p.random);
    return new DecodedMessage(java.util.HexFormat.of().formatHex(Sha256.hash(message)), t.p.topic,
        t.p.alice.address(), t.createdNs, t.content);
  }

  /** The symmetric part alone: HKDF of a fresh key from a random salt + AES-256-GCM of the signed content. */
  @Benchmark
  public Ciphertext aesGcmSeal(Text t) {
    return Ciphertexts.seal(t.p.keyMaterial, t.plaintext, t.aad, t.p.random);
  }

  /** Conversation creation on the creator's side: invitation (3DH, HKDF) and sealing (3DH again, AES-GCM). */
  @Benchmark
  public byte[] invitationCreateAndSeal(Parties p) {
    InvitationV1 invitation = Invitations.create(p.alice, p.bobKeys, null, Map.of());
    return Invitations.seal(p.alice, p.bobKeys, invitation, p.invitationNs, p.random);
  }

  /**
   * Opening an invitation (both parties do it): both bundles (cached here: a first contact adds one uncached bundle
   * verification, see {@link #walletRecover} + {@link #ecdsaVerify}), 3DH, AES-GCM, checks.
   */
  @Benchmark
  public Invitations.Opened invitationOpen(Parties p) throws InvalidDataException {
    return Invitations.open(p.bob, p.sealedInvitation, p.invitationNs);
  }

  /** secp256k1 ECDSA sign (RFC 6979 nonce) of sha256(data) with the pre-key: one per message sent. */
  @Benchmark
  public RecoverableSignature ecdsaSign(Parties p) {
    return p.alice.signWithPreKey(p.hash);
  }

  /** secp256k1 ECDSA verify: one per message received, one more for an uncached sender bundle (pre-key). */
  @Benchmark
  public boolean ecdsaVerify(Parties p) {
    return Secp256k1.verify(p.alicePreKey, p.hash, p.signature.rs());
  }

  /** Half of an uncached bundle check: the wallet's public key recovered from its signature, keccak, address. */
  @Benchmark
  public String walletRecover(Parties p) throws InvalidDataException {
    return KeySignatures.walletAddress(p.identityKeyBytes, p.identityKeySignature);
  }

  /** One of the three ECDH of a 3DH. */
  @Benchmark
  public byte[] ecdhPoint(Parties p) {
    return Secp256k1.ecdhPoint(p.alice.preKeyPrivate(), p.bobKeys.preKey());
  }

  /** HKDF-SHA256 of a 32-byte key: two or three per message (cipher key, HMAC key). */
  @Benchmark
  public byte[] hkdf(Parties p) {
    return Hkdf.sha256(p.keyMaterial, p.salt, new byte[0], 32);
  }
}
