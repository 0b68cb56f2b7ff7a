package org.xmtpj.store;

/**
 * @param lastOriginSeq the highest origin sequence stored for the writer's origin (0 if none)
 * @param lastLocalSeq the highest local sequence stored (0 if empty)
 */
public record WriterState(long lastOriginSeq, long lastLocalSeq) {}
