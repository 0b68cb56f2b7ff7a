package org.xmtpj.chain.identity;

import java.math.BigInteger;
import java.util.Optional;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.TxReceipt;

/**
 * IdentityRegistry: wallet → identity key, invite topic and its rules. Direct writes are sent by the session's
 * signer as the wallet; the {@code …For} variants are sent by the signer as a relayer with the wallet's EIP-712
 * signature (see {@link IdentityTypedData}). Rejections raise {@link org.xmtpj.chain.ContractRevertException} with
 * the contract's error ({@code AlreadyRegistered}, {@code TopicTaken}, {@code TopicReserved}, {@code InvalidSignature},
 * {@code ExpiredSignature}, …).
 */
public interface IdentityRegistryClient {

  static IdentityRegistryClient connect(ChainSession session) {
    return new Web3jIdentityRegistryClient(session);
  }

  TxReceipt register(IdentityConfig config);

  /** Replaces every field of the signer's entry. */
  TxReceipt update(IdentityConfig config);

  /** Deletes the signer's entry and frees its topic. */
  TxReceipt revoke();

  TxReceipt registerFor(String wallet, IdentityConfig config, long deadline, byte[] signature);

  TxReceipt updateFor(String wallet, IdentityConfig config, long deadline, byte[] signature);

  TxReceipt revokeFor(String wallet, long deadline, byte[] signature);

  /** The wallet's entry; empty when it has none. */
  Optional<IdentityEntry> identityOf(String wallet);

  /** The wallet that owns an invite topic; empty when nobody does. */
  Optional<String> topicOwner(String inviteTopic);

  /** The wallet's current nonce: the one its next signed change must carry. */
  BigInteger nonce(String wallet);

  /** The contract's EIP-712 domain separator (equal to {@link IdentityTypedData#domainSeparator()}). */
  byte[] domainSeparator();
}
