package org.xmtpj.client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.xmtp.proto.message.api.v1.Envelope;

/** A V2 conversation with one peer: a topic and key material both parties got from the sealed invitation. */
public final class Conversation {
  private final ClientContext ctx;
  private final Consent consent;
  private final Invitations.Opened invitation;

  Conversation(ClientContext ctx, Consent consent, Invitations.Opened invitation) {
    this.ctx = ctx;
    this.consent = consent;
    this.invitation = invitation;
  }

  public String topic() {
    return invitation.topic();
  }

  public String peerAddress() {
    return invitation.peerAddress();
  }

  /** The application's conversation id from the invitation context, or null. */
  public String conversationId() {
    return invitation.conversationId();
  }

  public Map<String, String> metadata() {
    return invitation.metadata();
  }

  public long createdNs() {
    return invitation.createdNs();
  }

  public Instant createdAt() {
    return Instant.ofEpochSecond(0, invitation.createdNs());
  }

  /** Sends UTF-8 text. */
  public DecodedMessage send(String text) {
    return send(Content.text(text), SendOptions.DEFAULT);
  }

  /**
   * Sends any content; acknowledged once the node has it on disk. Like xmtp-js, a first message to a peer whose
   * consent is still unknown also records "allowed".
   */
  public DecodedMessage send(Content content, SendOptions options) {
    Objects.requireNonNull(content, "content");
    long now = ctx.api().nowNs();
    String topic = options.ephemeral() ? Topics.ephemeral(topic()) : topic();
    byte[] message = MessagesV2.encode(ctx.me(), topic, invitation.keyMaterial(),
        ContentCodec.encode(content, options.compression()), now, options.shouldPush(), ctx.random());
    ctx.api().publish(List.of(IdentitySetup.envelope(topic, now, message)));
    if (!options.ephemeral() && consent.cachedState(peerAddress()) == ConsentState.UNKNOWN) {
      consent.allow(peerAddress());
    }
    // what we just encoded needs no decrypting and verifying: build the result from the inputs
    String id = java.util.HexFormat.of().formatHex(org.xmtpj.crypto.Sha256.hash(message));
    return new DecodedMessage(id, topic(), ctx.address(), now, content);
  }

  /** Every message, oldest first. */
  public MessageList messages() {
    return messages(ListOptions.ALL);
  }

  /** Messages by time range, direction and count; envelopes that fail to verify are listed as skipped. */
  public MessageList messages(ListOptions options) {
    long start = options.start() == null ? 0 : toNs(options.start());
    long end = options.end() == null ? 0 : toNs(options.end());
    List<DecodedMessage> messages = new ArrayList<>();
    List<SkippedEnvelope> skipped = new ArrayList<>();
    List<Envelope> envelopes = ctx.api().queryAll(topic(), start, end, options.descending(), options.limit());
    for (Envelope e : envelopes) {
      try {
        messages.add(decode(e));
      } catch (InvalidDataException ex) {
        skipped.add(new SkippedEnvelope(e.getContentTopic(), e.getTimestampNs(), ex.getMessage()));
      }
    }
    return new MessageList(messages, skipped);
  }

  /** New messages as they arrive (and any missed while reconnecting). */
  public XmtpStream<DecodedMessage> streamMessages() {
    return stream(topic());
  }

  /** Ephemeral messages as they arrive; the node never stores them, so nothing is caught up after a reconnect. */
  public XmtpStream<DecodedMessage> streamEphemeral() {
    return stream(Topics.ephemeral(topic()));
  }

  private XmtpStream<DecodedMessage> stream(String t) {
    return ResilientStream.start(ctx.api(), List.of(t), (e, s) -> s.emit(decode(e)), ctx.streamOpenTimeout());
  }

  DecodedMessage decode(Envelope e) throws InvalidDataException {
    return MessagesV2.decode(topic(), invitation.keyMaterial(), e.getMessage().toByteArray(), ctx.address(),
        peerAddress());
  }

  private static long toNs(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
  }

  @Override
  public String toString() {
    return "Conversation[" + peerAddress() + (conversationId() == null ? "" : ", " + conversationId()) + ", "
        + topic() + "]";
  }
}
