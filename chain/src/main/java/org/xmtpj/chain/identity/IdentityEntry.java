package org.xmtpj.chain.identity;

import java.util.Objects;

/**
 * A wallet's registry entry.
 *
 * @param wallet the wallet address (EIP-55)
 * @param config what it registered
 */
public record IdentityEntry(String wallet, IdentityConfig config) {
  public IdentityEntry {
    Objects.requireNonNull(wallet, "wallet");
    Objects.requireNonNull(config, "config");
  }
}
