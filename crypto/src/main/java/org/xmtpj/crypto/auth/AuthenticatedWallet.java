package org.xmtpj.crypto.auth;

/**
 * The outcome of a valid publish token: the EIP-55 wallet address that signed the identity key, and the token's
 * creation time in nanoseconds since the epoch.
 */
public record AuthenticatedWallet(String walletAddress, long createdNs) {
  public AuthenticatedWallet {
    if (walletAddress == null || walletAddress.isEmpty()) {
      throw new IllegalArgumentException("walletAddress must not be empty");
    }
  }
}
