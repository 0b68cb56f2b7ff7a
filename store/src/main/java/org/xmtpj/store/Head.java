package org.xmtpj.store;

import org.xmtpj.dag.EventId;

/** A topic head; {@code hiddenUntilMs} > 0 while it is future-dated (honest writers do not link to it yet). */
public record Head(EventId id, long hiddenUntilMs) {}
