package org.xmtpj.dag;

/** The bytes are not a canonical event: what is wrong is in the message. */
public class MalformedEventException extends RuntimeException {
  public MalformedEventException(String message) {
    super(message);
  }
}
