package org.xmtpj.dag;

/** Client order direction; XMTP treats an unspecified direction as descending. */
public enum SortDirection {
  ASCENDING,
  DESCENDING
}
