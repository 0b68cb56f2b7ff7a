package org.xmtpj.client;

import java.util.ArrayList;
import java.util.List;
import org.xmtp.proto.message.api.v1.Envelope;

/**
 * A legacy V1 conversation (what xmtp-js created when the peer had only a v1 contact bundle). Read-only: new
 * messages go to V2 conversations ({@link Conversations#newConversation(String)}).
 */
public final class LegacyConversation {
  private final ClientContext ctx;
  private final String peerAddress;

  LegacyConversation(ClientContext ctx, String peerAddress) {
    this.ctx = ctx;
    this.peerAddress = peerAddress;
  }

  public String peerAddress() {
    return peerAddress;
  }

  /** The {@code dm-<low>-<high>} topic the messages live on. */
  public String topic() {
    return MessagesV1.dmTopic(ctx.address(), peerAddress);
  }

  public MessageList messages(ListOptions options) {
    long start = options.start() == null ? 0 : options.start().toEpochMilli() * 1_000_000L;
    long end = options.end() == null ? 0 : options.end().toEpochMilli() * 1_000_000L;
    List<DecodedMessage> messages = new ArrayList<>();
    List<SkippedEnvelope> skipped = new ArrayList<>();
    for (Envelope e : ctx.api().queryAll(topic(), start, end, options.descending(), options.limit())) {
      try {
        messages.add(MessagesV1.decode(ctx.me(), topic(), e.getMessage().toByteArray()).message());
      } catch (InvalidDataException ex) {
        skipped.add(new SkippedEnvelope(e.getContentTopic(), e.getTimestampNs(), ex.getMessage()));
      }
    }
    return new MessageList(messages, skipped);
  }

  public XmtpStream<DecodedMessage> streamMessages() {
    return ResilientStream.start(ctx.api(), List.of(topic()),
        (e, s) -> s.emit(MessagesV1.decode(ctx.me(), topic(), e.getMessage().toByteArray()).message()),
        ctx.streamOpenTimeout());
  }

  @Override
  public String toString() {
    return "LegacyConversation[" + peerAddress + "]";
  }
}
