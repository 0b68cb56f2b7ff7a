package org.xmtpj.client;

/** Data from the network that does not decode, decrypt or verify; the message is the reason given to callers. */
final class InvalidDataException extends Exception {
  InvalidDataException(String reason) {
    super(reason, null, false, false);
  }

  InvalidDataException(String reason, Throwable cause) {
    super(reason + ": " + cause.getMessage(), cause, false, false);
  }
}
