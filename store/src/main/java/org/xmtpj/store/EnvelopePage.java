package org.xmtpj.store;

import java.util.List;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.EnvelopeCursor;

/**
 * A page of envelopes.
 *
 * @param next the cursor of the last envelope when more may follow (the page is full, or its byte budget ended it
 *     early), else null
 * @param bytes what the page's envelopes occupy in the store: what {@link EnvelopeQuery#maxBytes()} bounds
 */
public record EnvelopePage(List<ClientEnvelope> envelopes, EnvelopeCursor next, long bytes) {
  public EnvelopePage {
    envelopes = List.copyOf(envelopes);
  }
}
