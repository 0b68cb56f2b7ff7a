package org.xmtpj.node.subscribe;

import java.io.IOException;
import org.xmtpj.dag.ClientEnvelope;

/** Where a subscription's envelopes go: an HTTP chunked stream or a gRPC stream. Called from one thread. */
public interface EnvelopeSink {
  void send(ClientEnvelope envelope) throws IOException;

  /** Proves liveness on an idle stream (and detects a vanished client). */
  void keepAlive() throws IOException;

  /** Ends the stream with a reason the client sees, where the transport can show one. */
  void fail(String reason);

  /** The subscription has ended, for whatever reason: release the transport. */
  default void closed() {}
}
