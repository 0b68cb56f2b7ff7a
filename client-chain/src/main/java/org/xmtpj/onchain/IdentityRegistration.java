package org.xmtpj.onchain;

import java.time.Duration;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.Signer;
import org.xmtpj.chain.TxReceipt;
import org.xmtpj.client.XmtpClient;

/**
 * Publishes a wallet's XMTP identity in the IdentityRegistry: its identity key (normally
 * {@link XmtpClient#identityKey()}), its invite topic and that topic's rules; changes and revokes the entry.
 *
 * <p>Two ways to send: {@link #direct} sends the transactions from the wallet itself (it pays the gas);
 * {@link #relayed} has the wallet sign each change as EIP-712 typed data (valid for
 * {@link #SIGNATURE_VALIDITY} of chain time) and a relayer account submit it and pay the gas, for wallets that hold
 * no ETH. Either way the registry records the same entry. Failures raise {@link RegistryException} with the
 * contract's error in words. Each method returns once the transaction is mined.
 *
 * <pre>{@code
 * IdentityRegistration registration = IdentityRegistration.direct(session, walletSigner);
 * registration.register(client, InviteSettings.defaults().withInviteTopic("/xmtp/0/invite-alice-1/proto"));
 * }</pre>
 *
 * <p>A {@link ChainIdentityDirectory} in the same process caches what it read; call its {@code forget(wallet)}
 * after a change to see it at once.
 */
public interface IdentityRegistration {
  /** How long a relayed request's signature stays valid, measured in chain time. */
  Duration SIGNATURE_VALIDITY = Duration.ofHours(1);

  /** The wallet sends its own transactions (it needs ETH for gas). {@code session} may be read-only. */
  static IdentityRegistration direct(ChainSession session, Signer wallet) {
    return new RegistryWriter(session, wallet, null);
  }

  /** The wallet signs, {@code relayer} submits and pays the gas. {@code session} may be read-only. */
  static IdentityRegistration relayed(ChainSession session, Signer wallet, Signer relayer) {
    return new RegistryWriter(session, wallet, relayer);
  }

  /** The wallet whose entry this changes (EIP-55). */
  String wallet();

  /** Creates the wallet's entry; fails with {@code AlreadyRegistered} if it has one. */
  TxReceipt register(byte[] identityKey, InviteSettings settings);

  /** Replaces every field of the wallet's entry; fails with {@code NotRegistered} if it has none. */
  TxReceipt update(byte[] identityKey, InviteSettings settings);

  /** Deletes the wallet's entry and frees its invite topic. */
  TxReceipt revoke();

  /** Registers {@code client}'s identity key, which must belong to this registration's wallet. */
  default TxReceipt register(XmtpClient client, InviteSettings settings) {
    return register(identityKeyOf(client), settings);
  }

  /** Updates the entry to {@code client}'s identity key and {@code settings}. */
  default TxReceipt update(XmtpClient client, InviteSettings settings) {
    return update(identityKeyOf(client), settings);
  }

  private byte[] identityKeyOf(XmtpClient client) {
    if (!client.address().equalsIgnoreCase(wallet())) {
      throw new IllegalArgumentException("the client belongs to " + client.address() + ", not to the wallet "
          + wallet() + " that this registration signs for");
    }
    return client.identityKey();
  }
}
