package org.xmtpj.store;

/** An event's canonical encoding with its local insertion row, a resumable position in topological order. */
public record RowEvent(long row, byte[] raw) {}
