package org.xmtpj.client;

import java.util.Optional;

/**
 * Where the SDK reads other users' published identity configuration: their identity key, their invite topic and
 * that topic's publish policy. The network's directory is the on-chain IdentityRegistry (the {@code client-chain}
 * module's {@code ChainIdentityDirectory}); tests and other deployments may plug in their own.
 *
 * <p>When a client is built with a directory ({@link XmtpClient.Builder#directory(IdentityDirectory)}), the
 * directory is the root of trust for the identity keys of the wallets it lists: a registered wallet is messageable
 * only if its contact bundle carries the registered key, and invitations go to the registered invite topics.
 * Wallets without an entry (for example xmtp-js users, who never register) keep the contact-bundle behaviour.
 *
 * <p>Implementations must be thread-safe. They may cache; they should throw an unchecked exception whose message
 * says what could not be read (the client wraps it in an {@link XmtpException} of kind
 * {@link XmtpException.Kind#DIRECTORY_UNAVAILABLE}).
 */
public interface IdentityDirectory {

  /**
   * The directory entry of a wallet.
   *
   * @param walletAddress a 0x-prefixed 20-byte address, in any letter case
   * @return the entry, or empty when the wallet has none
   */
  Optional<DirectoryEntry> lookup(String walletAddress);
}
