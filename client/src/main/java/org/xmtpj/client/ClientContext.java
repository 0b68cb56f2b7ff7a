package org.xmtpj.client;

import java.security.SecureRandom;
import java.time.Duration;

/** What every part of one client shares; built once by {@link XmtpClient.Builder}. */
record ClientContext(NodeApi api, PrivateIdentity me, SecureRandom random, Duration streamOpenTimeout,
    TrustedPeers peers) {

  String address() {
    return me.address();
  }
}
