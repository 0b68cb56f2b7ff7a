package org.xmtpj.client;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Peers as the client trusts them: their contact bundles, checked against the identity directory when the client
 * has one. A wallet listed in the directory is trusted only with the identity key listed there, and its invitations
 * go to its listed invite topic; a wallet without an entry (an xmtp-js user, say) keeps the contact-bundle rules
 * and the conventional invite topic.
 */
final class TrustedPeers {
  /** A peer ready to be invited: its verified keys, and the topic where its invitations go. */
  record Peer(PeerKeys keys, String inviteTopic) {}

  private final ContactDirectory contacts;
  private final IdentityDirectory directory;

  /** {@code directory} may be null: contact bundles only, conventional invite topics. */
  TrustedPeers(ContactDirectory contacts, IdentityDirectory directory) {
    this.contacts = contacts;
    this.directory = directory;
  }

  boolean canMessage(String address) {
    Optional<DirectoryEntry> entry = entry(address);
    Optional<PeerKeys> keys = contacts.lookup(address);
    return entry.isEmpty() ? keys.isPresent() : keys.flatMap(k -> matching(address, k, entry.get())).isPresent();
  }

  /** Answers in the order asked; contact bundles are read in batches, directory entries one by one. */
  Map<String, Boolean> canMessage(List<String> addresses) {
    Map<String, Boolean> found = contacts.canMessage(addresses);
    if (directory == null) {
      return found;
    }
    Map<String, Boolean> out = new LinkedHashMap<>();
    found.forEach((address, hasBundle) -> {
      Optional<DirectoryEntry> entry = entry(address);
      boolean yes = entry.isEmpty() ? hasBundle : hasBundle && contacts.lookup(address)
          .flatMap(k -> matching(address, k, entry.get())).isPresent();
      out.put(address, yes);
    });
    return out;
  }

  /**
   * The peer's keys and invite topic for a new conversation.
   *
   * @throws XmtpException NOT_ON_NETWORK without a contact bundle, UNSUPPORTED_POLICY when the peer's invite topic
   *     asks for a fee or a credential, IDENTITY_MISMATCH when the bundle contradicts the directory entry
   */
  Peer resolve(String address) {
    Optional<DirectoryEntry> entry = entry(address);
    entry.ifPresent(e -> requireSupportedPolicy(address, e));
    PeerKeys keys = contacts.lookup(address).orElseThrow(() -> new XmtpException(XmtpException.Kind.NOT_ON_NETWORK,
        address + " has no XMTP identity on this network (no contact bundle"
            + (entry.isPresent() ? ", although it is in the identity registry)" : ")")));
    if (entry.isEmpty()) {
      return new Peer(keys, Topics.invite(address));
    }
    DirectoryEntry e = entry.get();
    PeerKeys trusted = matching(address, keys, e).orElseThrow(() -> new XmtpException(
        XmtpException.Kind.IDENTITY_MISMATCH, address + "'s contact bundle carries identity key "
            + hex(keys.identityKey()) + " but the identity registry lists " + hex(e.identityKey())
            + "; refusing to start a conversation with keys the registry does not vouch for"));
    return new Peer(trusted, e.inviteTopic());
  }

  /** The user's invite topics to read: the conventional one, and the registered one when it differs. */
  List<String> ownInviteTopics(String me) {
    String conventional = Topics.invite(me);
    return entry(me).map(DirectoryEntry::inviteTopic).filter(t -> !t.equals(conventional))
        .map(t -> List.of(conventional, t)).orElse(List.of(conventional));
  }

  /** Where the user's copy of a new invitation goes: the registered invite topic, else the conventional one. */
  String ownInviteTopic(String me) {
    return entry(me).map(DirectoryEntry::inviteTopic).orElse(Topics.invite(me));
  }

  /**
   * The keys if their identity key is the registered one. The newest bundle is cached; when it contradicts the
   * registry, it is read once more from the node, since the wallet may have published a new one since.
   */
  private Optional<PeerKeys> matching(String address, PeerKeys keys, DirectoryEntry entry) {
    if (entry.hasIdentityKey(keys.identityKey())) {
      return Optional.of(keys);
    }
    contacts.forget(address);
    return contacts.lookup(address).filter(k -> entry.hasIdentityKey(k.identityKey()));
  }

  private Optional<DirectoryEntry> entry(String address) {
    if (directory == null) {
      return Optional.empty();
    }
    Optional<DirectoryEntry> entry;
    try {
      entry = directory.lookup(address);
    } catch (XmtpException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new XmtpException(XmtpException.Kind.DIRECTORY_UNAVAILABLE,
          "cannot read the identity directory entry of " + address + ": " + e.getMessage(), e);
    }
    if (entry == null || entry.isPresent() && !entry.get().wallet().equalsIgnoreCase(address)) {
      throw new XmtpException(XmtpException.Kind.DIRECTORY_UNAVAILABLE, "the identity directory answered a lookup of "
          + address + " with " + (entry == null ? "null" : "the entry of " + entry.get().wallet()));
    }
    return entry;
  }

  private static void requireSupportedPolicy(String address, DirectoryEntry e) {
    String demand = switch (e.invitePolicy()) {
      case OPEN -> null;
      case FEE -> "a refundable fee of " + e.fee() + " token base units";
      case CREDENTIAL -> "an anonymous credential";
    };
    if (demand != null) {
      throw new XmtpException(XmtpException.Kind.UNSUPPORTED_POLICY, address + " accepts invitations only with "
          + demand + " (invite policy " + e.invitePolicy() + " in the identity registry); this SDK does not support"
          + " that policy yet (the fee escrow and credential contracts do not exist yet)");
    }
  }

  private static String hex(byte[] key) {
    return HexFormat.of().formatHex(key);
  }
}
