package org.xmtpj.store;

/**
 * The store's file is unusable (it cannot be opened, or its schema cannot be read, so nothing can be rebuilt from
 * it). The message is one line naming the file, the cause and what the operator can do.
 */
public final class CorruptStoreException extends StoreException {
  CorruptStoreException(String oneLine) {
    super(oneLine, null);
  }
}
