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
  /** How many of the newest private-store envelopes a starting client tries before giving up. */
  static final int BUNDLES_TRIED = 20;

  private IdentitySetup() {}

  static PrivateIdentity loadOrCreate(NodeApi api, Signer wallet, SecureRandom random) {
    String address = checksum(wallet.address());
    List<Envelope> stored = api.queryAll(Topics.privateStore(address), 0, 0, true, BUNDLES_TRIED);
    PrivateIdentity identity;
    if (!stored.isEmpty()) {
      identity = newestUsable(stored, wallet, address);
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

  /**
   * The newest stored bundle this wallet can decrypt. Nodes keep others' writes off the topic, but whoever holds one
   * of the owner's auth tokens may still put an envelope there within the token's life (docs/replication.md §1.3),
   * so junk is skipped rather than taken for the identity; a fresh identity would orphan the owner's conversations.
   */
  private static PrivateIdentity newestUsable(List<Envelope> stored, Signer wallet, String address) {
    InvalidDataException last = null;
    for (Envelope e : stored) {
      try {
        return KeyBundleStore.decrypt(e.getMessage().toByteArray(), wallet);
      } catch (InvalidDataException bad) {
        last = bad;
        LOG.warn("skipping a key bundle on the private store of {} that this wallet cannot use: {}", address,
            bad.getMessage());
      }
    }
    throw new XmtpException(XmtpException.Kind.IDENTITY, "none of the " + stored.size() + " newest key bundles "
        + "stored for " + address + " can be used: " + last.getMessage(), last);
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
