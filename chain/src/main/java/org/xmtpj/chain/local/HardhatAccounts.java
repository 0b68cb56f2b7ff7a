package org.xmtpj.chain.local;

import java.util.ArrayList;
import java.util.List;
import org.web3j.crypto.Bip32ECKeyPair;
import org.web3j.crypto.MnemonicUtils;
import org.xmtpj.chain.Signer;

/**
 * The accounts that {@code hardhat node} funds (10,000 ETH each) and unlocks: BIP-44 keys
 * {@code m/44'/60'/0'/0/i} of Hardhat's default mnemonic. Computed rather than scraped from the node's log, so
 * they are available before the node prints anything. These keys are public knowledge: local chains only.
 */
public final class HardhatAccounts {
  public static final String DEFAULT_MNEMONIC = "test test test test test test test test test test test junk";
  /** {@code hardhat node} funds this many accounts by default. */
  public static final int DEFAULT_COUNT = 20;

  private static final int H = Bip32ECKeyPair.HARDENED_BIT;
  private static volatile List<Signer> defaults;

  private HardhatAccounts() {}

  /** The 20 default accounts, account 0 first (the deployer of deploy.js). */
  public static List<Signer> defaults() {
    List<Signer> d = defaults;
    if (d == null) {
      d = derive(DEFAULT_MNEMONIC, DEFAULT_COUNT);
      defaults = d;
    }
    return d;
  }

  /** The first {@code count} accounts of a mnemonic (empty passphrase), as Hardhat derives them. */
  public static List<Signer> derive(String mnemonic, int count) {
    Bip32ECKeyPair master = Bip32ECKeyPair.generateKeyPair(MnemonicUtils.generateSeed(mnemonic, ""));
    List<Signer> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Bip32ECKeyPair key = Bip32ECKeyPair.deriveKeyPair(master, new int[] {44 | H, 60 | H, H, 0, i});
      out.add(Signer.fromPrivateKey(toBytes32(key.getPrivateKey())));
    }
    return List.copyOf(out);
  }

  private static byte[] toBytes32(java.math.BigInteger k) {
    byte[] raw = k.toByteArray();
    byte[] out = new byte[32];
    int len = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - len, out, 32 - len, len);
    return out;
  }
}
