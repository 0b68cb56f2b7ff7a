package org.xmtpj.onchain;

import java.math.BigInteger;
import java.util.Objects;
import java.util.function.Supplier;
import org.xmtpj.chain.ChainException;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.Signer;
import org.xmtpj.chain.TxReceipt;
import org.xmtpj.chain.identity.IdentityConfig;
import org.xmtpj.chain.identity.IdentityRegistryClient;
import org.xmtpj.chain.identity.IdentityTypedData;

/** {@link IdentityRegistration} sent by the wallet itself, or signed by it and relayed. */
final class RegistryWriter implements IdentityRegistration {
  private final ChainSession session;
  private final Signer wallet;
  private final boolean relayed;
  private final IdentityRegistryClient sender;
  private final IdentityTypedData typedData;
  private final String where;

  /** {@code relayer} null: the wallet sends. */
  RegistryWriter(ChainSession session, Signer wallet, Signer relayer) {
    this.session = Objects.requireNonNull(session, "session");
    this.wallet = Objects.requireNonNull(wallet, "wallet");
    this.relayed = relayer != null;
    this.sender = IdentityRegistryClient.connect(session.withSigner(relayed ? relayer : wallet));
    this.typedData = IdentityTypedData.of(session.deployment());
    this.where = RegistryDirectory.describe(session);
  }

  @Override
  public String wallet() {
    return wallet.address();
  }

  @Override
  public TxReceipt register(byte[] identityKey, InviteSettings settings) {
    IdentityConfig config = settings.toConfig(wallet.address(), identityKey);
    return run("registering " + wallet.address(), () -> {
      if (!relayed) {
        return sender.register(config);
      }
      long deadline = deadline();
      return sender.registerFor(wallet.address(), config, deadline,
          typedData.signRegister(wallet, config, nonce(), deadline));
    });
  }

  @Override
  public TxReceipt update(byte[] identityKey, InviteSettings settings) {
    IdentityConfig config = settings.toConfig(wallet.address(), identityKey);
    return run("updating the registry entry of " + wallet.address(), () -> {
      if (!relayed) {
        return sender.update(config);
      }
      long deadline = deadline();
      return sender.updateFor(wallet.address(), config, deadline,
          typedData.signUpdate(wallet, config, nonce(), deadline));
    });
  }

  @Override
  public TxReceipt revoke() {
    return run("revoking the registry entry of " + wallet.address(), () -> {
      if (!relayed) {
        return sender.revoke();
      }
      long deadline = deadline();
      return sender.revokeFor(wallet.address(), deadline, typedData.signRevoke(wallet, nonce(), deadline));
    });
  }

  /** The nonce the wallet's next signed change must carry. */
  private BigInteger nonce() {
    return sender.nonce(wallet.address());
  }

  /** Deadlines are compared with block time, which a local chain may have moved away from ours. */
  private long deadline() {
    return session.latestBlockTimestamp() + SIGNATURE_VALIDITY.toSeconds();
  }

  private TxReceipt run(String action, Supplier<TxReceipt> send) {
    try {
      return send.get();
    } catch (ChainException e) {
      throw RegistryErrors.translate(e, action, where);
    }
  }
}
