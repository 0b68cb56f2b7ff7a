package org.xmtpj.chain.identity;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What a wallet publishes in IdentityRegistry: its XMTP identity key, its invite topic and that topic's rules.
 * The contract validates the combination (fee only for FEE, issuer key only for CREDENTIAL, retention 1..365);
 * this record checks only shapes, so that a wrong combination still reaches the contract's named error.
 *
 * @param identityKey 65-byte uncompressed secp256k1 public key (0x04‖X‖Y)
 * @param inviteTopic 1..128 printable ASCII characters, no spaces
 * @param publishPolicy who may publish to the invite topic
 * @param fee the refundable fee for FEE (base units), else 0
 * @param credentialIssuerKey the credential issuer's key for CREDENTIAL, else empty
 * @param retentionDays how long nodes keep the topic's messages
 * @param evictionPolicy what nodes do when the topic is over quota
 */
public record IdentityConfig(
    byte[] identityKey,
    String inviteTopic,
    PublishPolicy publishPolicy,
    BigInteger fee,
    byte[] credentialIssuerKey,
    int retentionDays,
    EvictionPolicy evictionPolicy) {

  public IdentityConfig {
    Objects.requireNonNull(inviteTopic, "inviteTopic");
    Objects.requireNonNull(publishPolicy, "publishPolicy");
    Objects.requireNonNull(fee, "fee");
    Objects.requireNonNull(evictionPolicy, "evictionPolicy");
    identityKey = Objects.requireNonNull(identityKey, "identityKey").clone();
    credentialIssuerKey = credentialIssuerKey == null ? new byte[0] : credentialIssuerKey.clone();
    if (fee.signum() < 0 || retentionDays < 0 || retentionDays > 0xFFFF) {
      throw new IllegalArgumentException("fee and retentionDays must be non-negative (retention fits uint16)");
    }
  }

  /** An OPEN topic: anyone may publish. */
  public static IdentityConfig open(byte[] identityKey, String inviteTopic, int retentionDays,
      EvictionPolicy eviction) {
    return new IdentityConfig(identityKey, inviteTopic, PublishPolicy.OPEN, BigInteger.ZERO, null, retentionDays,
        eviction);
  }

  /** XMTP V2's conventional invite topic of a wallet, reserved for that wallet by the registry. */
  public static String conventionalInviteTopic(String walletAddress) {
    return "/xmtp/0/invite-" + walletAddress + "/proto";
  }

  @Override
  public byte[] identityKey() {
    return identityKey.clone();
  }

  @Override
  public byte[] credentialIssuerKey() {
    return credentialIssuerKey.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdentityConfig c && Arrays.equals(identityKey, c.identityKey)
        && inviteTopic.equals(c.inviteTopic) && publishPolicy == c.publishPolicy && fee.equals(c.fee)
        && Arrays.equals(credentialIssuerKey, c.credentialIssuerKey) && retentionDays == c.retentionDays
        && evictionPolicy == c.evictionPolicy;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(identityKey), inviteTopic, publishPolicy, fee,
        Arrays.hashCode(credentialIssuerKey), retentionDays, evictionPolicy);
  }

  @Override
  public String toString() {
    HexFormat hex = HexFormat.of();
    return "IdentityConfig[identityKey=" + hex.formatHex(identityKey) + ", inviteTopic=" + inviteTopic
        + ", publishPolicy=" + publishPolicy + ", fee=" + fee + ", credentialIssuerKey="
        + hex.formatHex(credentialIssuerKey) + ", retentionDays=" + retentionDays + ", evictionPolicy="
        + evictionPolicy + "]";
  }
}
