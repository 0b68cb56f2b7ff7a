package org.xmtpj.client;

import java.time.Duration;
import java.util.List;

/**
 * A live stream of items (messages or conversations). It survives connection loss: it reconnects with back-off and,
 * once back, queries what was published while it was away, so no item is missed and none is delivered twice.
 * Items are buffered until taken; close it when done.
 */
public interface XmtpStream<T> extends AutoCloseable {

  /** The next item, waiting up to {@code timeout}; null if none arrived in time. */
  T poll(Duration timeout) throws InterruptedException;

  /** The next item, waiting as long as needed; throws {@link XmtpException} of kind CLOSED once closed. */
  T take() throws InterruptedException;

  /** Envelopes received but not delivered because they failed to decode or verify, and why (drained on read). */
  List<SkippedEnvelope> drainSkipped();

  /** How many times the stream has had to reconnect. */
  int reconnects();

  boolean isOpen();

  @Override
  void close();
}
