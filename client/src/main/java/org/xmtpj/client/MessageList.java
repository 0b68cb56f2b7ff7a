package org.xmtpj.client;

import java.util.List;

/** The messages of a listing, in the requested order, and the envelopes skipped with their reasons. */
public record MessageList(List<DecodedMessage> messages, List<SkippedEnvelope> skipped) {
  public MessageList {
    messages = List.copyOf(messages);
    skipped = List.copyOf(skipped);
  }
}
