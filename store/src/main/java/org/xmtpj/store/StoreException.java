package org.xmtpj.store;

/** The store could not do what was asked; the cause says why. Nothing was changed. */
public class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
