package org.xmtpj.store;

import java.util.List;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.EnvelopeCursor;

/** A page of envelopes; {@code next} is the cursor of the last one when the page is full, else null. */
public record EnvelopePage(List<ClientEnvelope> envelopes, EnvelopeCursor next) {
  public EnvelopePage {
    envelopes = List.copyOf(envelopes);
  }
}
