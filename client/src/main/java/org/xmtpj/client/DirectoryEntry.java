package org.xmtpj.client;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One wallet's entry in an {@link IdentityDirectory}.
 *
 * @param wallet the wallet address (EIP-55)
 * @param identityKey the registered XMTP identity public key: 65 bytes, uncompressed secp256k1 (0x04‖X‖Y)
 * @param inviteTopic the content topic where invitations to this wallet must be published
 * @param invitePolicy who may publish to the invite topic
 * @param fee the refundable fee a sender escrows under {@link InvitePolicy#FEE} (network token base units), else 0
 * @param retentionDays how long nodes keep the invite topic's messages
 */
public record DirectoryEntry(
    String wallet,
    byte[] identityKey,
    String inviteTopic,
    InvitePolicy invitePolicy,
    BigInteger fee,
    int retentionDays) {

  /** Length of an uncompressed secp256k1 public key. */
  public static final int IDENTITY_KEY_LENGTH = 65;

  /** Who may publish to a wallet's invite topic. */
  public enum InvitePolicy {
    /** Anyone. */
    OPEN,
    /** A sender escrows a refundable fee; not supported by this SDK yet. */
    FEE,
    /** A sender presents an anonymous credential; not supported by this SDK yet. */
    CREDENTIAL
  }

  /** Checks shapes: a 65-byte uncompressed key, a non-empty topic, a non-negative fee and retention. */
  public DirectoryEntry {
    Objects.requireNonNull(wallet, "wallet");
    Objects.requireNonNull(inviteTopic, "inviteTopic");
    Objects.requireNonNull(invitePolicy, "invitePolicy");
    Objects.requireNonNull(fee, "fee");
    identityKey = Objects.requireNonNull(identityKey, "identityKey").clone();
    if (identityKey.length != IDENTITY_KEY_LENGTH || identityKey[0] != 0x04) {
      throw new IllegalArgumentException("identityKey must be a 65-byte uncompressed secp256k1 key (0x04…), got "
          + identityKey.length + " bytes");
    }
    if (inviteTopic.isEmpty()) {
      throw new IllegalArgumentException("inviteTopic is empty");
    }
    if (fee.signum() < 0 || retentionDays < 0) {
      throw new IllegalArgumentException("fee and retentionDays must be non-negative");
    }
  }

  @Override
  public byte[] identityKey() {
    return identityKey.clone();
  }

  /** True if {@code key} is the registered identity key. */
  public boolean hasIdentityKey(byte[] key) {
    return Arrays.equals(identityKey, key);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DirectoryEntry e && wallet.equals(e.wallet) && Arrays.equals(identityKey, e.identityKey)
        && inviteTopic.equals(e.inviteTopic) && invitePolicy == e.invitePolicy && fee.equals(e.fee)
        && retentionDays == e.retentionDays;
  }

  @Override
  public int hashCode() {
    return Objects.hash(wallet, Arrays.hashCode(identityKey), inviteTopic, invitePolicy, fee, retentionDays);
  }

  @Override
  public String toString() {
    return "DirectoryEntry[wallet=" + wallet + ", identityKey=" + HexFormat.of().formatHex(identityKey)
        + ", inviteTopic=" + inviteTopic + ", invitePolicy=" + invitePolicy + ", fee=" + fee + ", retentionDays="
        + retentionDays + "]";
  }
}
