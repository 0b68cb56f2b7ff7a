package org.xmtpj.onchain;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.xmtpj.chain.identity.EvictionPolicy;
import org.xmtpj.chain.identity.IdentityConfig;
import org.xmtpj.chain.identity.PublishPolicy;
import org.xmtpj.crypto.Ethereum;

/**
 * What a wallet registers next to its identity key: its invite topic and that topic's rules. The contract checks
 * the combination (a fee only for FEE, an issuer key only for CREDENTIAL, retention 1..365 days) and its error
 * comes back in words (see {@link RegistryException}).
 *
 * @param inviteTopic the invite topic; null means the wallet's conventional {@code /xmtp/0/invite-<wallet>/proto}
 * @param policy who may publish invitations to the topic
 * @param fee the refundable fee for {@link PublishPolicy#FEE} (token base units), else 0
 * @param credentialIssuerKey the credential issuer's key for {@link PublishPolicy#CREDENTIAL}, else empty
 * @param retentionDays how long nodes keep the topic's messages
 * @param eviction what nodes do when the topic is over quota
 */
public record InviteSettings(
    String inviteTopic,
    PublishPolicy policy,
    BigInteger fee,
    byte[] credentialIssuerKey,
    int retentionDays,
    EvictionPolicy eviction) {

  /** Retention when nothing else is asked for. */
  public static final int DEFAULT_RETENTION_DAYS = 30;

  public InviteSettings {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(fee, "fee");
    Objects.requireNonNull(eviction, "eviction");
    credentialIssuerKey = credentialIssuerKey == null ? new byte[0] : credentialIssuerKey.clone();
  }

  /** The conventional topic, open to anyone, kept {@value #DEFAULT_RETENTION_DAYS} days, oldest dropped first. */
  public static InviteSettings defaults() {
    return new InviteSettings(null, PublishPolicy.OPEN, BigInteger.ZERO, null, DEFAULT_RETENTION_DAYS,
        EvictionPolicy.DROP_OLDEST);
  }

  /** The settings an entry holds now, as a starting point for a change. */
  public static InviteSettings of(IdentityConfig config) {
    return new InviteSettings(config.inviteTopic(), config.publishPolicy(), config.fee(),
        config.credentialIssuerKey(), config.retentionDays(), config.evictionPolicy());
  }

  public InviteSettings withInviteTopic(String topic) {
    return new InviteSettings(topic, policy, fee, credentialIssuerKey, retentionDays, eviction);
  }

  public InviteSettings withRetentionDays(int days) {
    return new InviteSettings(inviteTopic, policy, fee, credentialIssuerKey, days, eviction);
  }

  public InviteSettings withEviction(EvictionPolicy e) {
    return new InviteSettings(inviteTopic, policy, fee, credentialIssuerKey, retentionDays, e);
  }

  /** Anyone may publish invitations (no fee, no issuer key). */
  public InviteSettings open() {
    return new InviteSettings(inviteTopic, PublishPolicy.OPEN, BigInteger.ZERO, null, retentionDays, eviction);
  }

  /** Senders escrow a refundable fee of {@code amount} token base units. */
  public InviteSettings withFee(BigInteger amount) {
    return new InviteSettings(inviteTopic, PublishPolicy.FEE, amount, null, retentionDays, eviction);
  }

  /** Senders present a credential issued under {@code issuerKey}. */
  public InviteSettings withCredentialIssuer(byte[] issuerKey) {
    return new InviteSettings(inviteTopic, PublishPolicy.CREDENTIAL, BigInteger.ZERO, issuerKey, retentionDays,
        eviction);
  }

  /** The registry record for {@code wallet}'s {@code identityKey} with these settings. */
  public IdentityConfig toConfig(String wallet, byte[] identityKey) {
    String topic = inviteTopic == null ? IdentityConfig.conventionalInviteTopic(Ethereum.checksum(wallet))
        : inviteTopic;
    return new IdentityConfig(identityKey, topic, policy, fee, credentialIssuerKey, retentionDays, eviction);
  }

  @Override
  public byte[] credentialIssuerKey() {
    return credentialIssuerKey.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InviteSettings s && Objects.equals(inviteTopic, s.inviteTopic) && policy == s.policy
        && fee.equals(s.fee) && Arrays.equals(credentialIssuerKey, s.credentialIssuerKey)
        && retentionDays == s.retentionDays && eviction == s.eviction;
  }

  @Override
  public int hashCode() {
    return Objects.hash(inviteTopic, policy, fee, Arrays.hashCode(credentialIssuerKey), retentionDays, eviction);
  }

  @Override
  public String toString() {
    return "InviteSettings[inviteTopic=" + inviteTopic + ", policy=" + policy + ", fee=" + fee
        + ", credentialIssuerKey=" + HexFormat.of().formatHex(credentialIssuerKey) + ", retentionDays="
        + retentionDays + ", eviction=" + eviction + "]";
  }
}
