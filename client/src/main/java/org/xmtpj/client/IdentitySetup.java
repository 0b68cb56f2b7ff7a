package org.xmtpj.client;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtp.proto.message.api.v1.Envelope;

/** Client start-up as xmtp-js does it: load the stored key bundle or create and store one; publish the contact. */
final class IdentitySetup {
  private static final Logger LOG = LoggerFactory.getLogger(IdentitySetup.class);

  private IdentitySetup() {}

  static PrivateIdentity loadOrCreate(NodeApi api, Signer wallet, SecureRandom random) {
    String address = checksum(wallet.address());
    List<Envelope> stored = api.queryAll(Topics.privateStore(address), 0, 0, true, 1);
    PrivateIdentity identity;
    if (!stored.isEmpty()) {
      try {
        identity = KeyBundleStore.decrypt(stored.get(0).getMessage().toByteArray(), wallet);
      } catch (InvalidDataException e) {
        throw new XmtpException(XmtpException.Kind.IDENTITY,
            "the key bundle stored for " + address + " cannot be used: " + e.getMessage(), e);
      }
      api.authenticateAs(identity);
      LOG.debug("loaded the stored identity of {}", address);
    } else {
      identity = PrivateIdentity.create(wallet, api.clock().millis(), random);
      api.authenticateAs(identity);
      byte[] encrypted = KeyBundleStore.encrypt(identity, wallet, random);
      api.publish(List.of(envelope(Topics.privateStore(address), api.nowNs(), encrypted)));
      LOG.info("created a new XMTP identity for {}", address);
    }
    publishContactIfNeeded(api, identity);
    return identity;
  }

  /** Publishes v1 then v2 contact bundles unless the newest valid bundle is already our v2. */
  static void publishContactIfNeeded(NodeApi api, PrivateIdentity me) {
    List<Envelope> existing = api.queryAll(Topics.contact(me.address()), 0, 0, true, 5);
    byte[] mine = ContactBundles.v2(me);
    for (Envelope e : existing) {
      try {
        ContactBundles.Contact c = ContactBundles.read(e.getMessage().toByteArray());
        if (c.keys().address().equals(me.address())) {
          if (c.v2() && Arrays.equals(e.getMessage().toByteArray(), mine)) {
            return;
          }
          break;
        }
      } catch (InvalidDataException ignored) {
        // junk on the topic does not count
      }
    }
    api.publish(List.of(envelope(Topics.contact(me.address()), api.nowNs(), ContactBundles.v1(me))));
    api.publish(List.of(envelope(Topics.contact(me.address()), api.nowNs(), mine)));
  }

  static Envelope envelope(String topic, long timestampNs, byte[] message) {
    return Envelope.newBuilder()
        .setContentTopic(topic)
        .setTimestampNs(timestampNs)
        .setMessage(ByteString.copyFrom(message))
        .build();
  }

  static String checksum(String address) {
    try {
      return PrivateIdentity.checksum(address);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed address: " + e.getMessage(), e);
    }
  }
}
