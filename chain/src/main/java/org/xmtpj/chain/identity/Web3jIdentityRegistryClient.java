package org.xmtpj.chain.identity;

import java.math.BigInteger;
import java.util.Optional;
import org.web3j.tuples.generated.Tuple7;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.ContractRevertException;
import org.xmtpj.chain.TxReceipt;
import org.xmtpj.chain.contracts.IdentityRegistry;
import org.xmtpj.crypto.Ethereum;

/** {@link IdentityRegistryClient} over the generated web3j wrapper. */
final class Web3jIdentityRegistryClient implements IdentityRegistryClient {
  private static final String ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

  private final ChainSession session;
  private final String address;
  private final IdentityRegistry contract;

  Web3jIdentityRegistryClient(ChainSession session) {
    this.session = session;
    this.address = session.deployment().identityRegistryAddress();
    this.contract = session.contract(address, IdentityRegistry::load);
  }

  @Override
  public TxReceipt register(IdentityConfig c) {
    return TxReceipt.of(session.send("IdentityRegistry.register", address, contract.register(c.identityKey(),
        c.inviteTopic(), code(c.publishPolicy().code()), c.fee(), c.credentialIssuerKey(),
        code(c.retentionDays()), code(c.evictionPolicy().code()))));
  }

  @Override
  public TxReceipt update(IdentityConfig c) {
    return TxReceipt.of(session.send("IdentityRegistry.update", address, contract.update(c.identityKey(),
        c.inviteTopic(), code(c.publishPolicy().code()), c.fee(), c.credentialIssuerKey(),
        code(c.retentionDays()), code(c.evictionPolicy().code()))));
  }

  @Override
  public TxReceipt revoke() {
    return TxReceipt.of(session.send("IdentityRegistry.revoke", address, contract.revoke()));
  }

  @Override
  public TxReceipt registerFor(String wallet, IdentityConfig c, long deadline, byte[] signature) {
    return TxReceipt.of(session.send("IdentityRegistry.registerFor", address, contract.registerFor(wallet,
        c.identityKey(), c.inviteTopic(), code(c.publishPolicy().code()), c.fee(), c.credentialIssuerKey(),
        code(c.retentionDays()), code(c.evictionPolicy().code()), code(deadline), signature)));
  }

  @Override
  public TxReceipt updateFor(String wallet, IdentityConfig c, long deadline, byte[] signature) {
    return TxReceipt.of(session.send("IdentityRegistry.updateFor", address, contract.updateFor(wallet,
        c.identityKey(), c.inviteTopic(), code(c.publishPolicy().code()), c.fee(), c.credentialIssuerKey(),
        code(c.retentionDays()), code(c.evictionPolicy().code()), code(deadline), signature)));
  }

  @Override
  public TxReceipt revokeFor(String wallet, long deadline, byte[] signature) {
    return TxReceipt.of(session.send("IdentityRegistry.revokeFor", address,
        contract.revokeFor(wallet, code(deadline), signature)));
  }

  @Override
  public Optional<IdentityEntry> identityOf(String wallet) {
    try {
      Tuple7<byte[], String, BigInteger, BigInteger, byte[], BigInteger, BigInteger> t =
          session.query("IdentityRegistry.identityOf", () -> contract.identityOf(wallet).send());
      IdentityConfig config = new IdentityConfig(t.component1(), t.component2(),
          PublishPolicy.ofCode(t.component3().intValueExact()), t.component4(), t.component5(),
          t.component6().intValueExact(), EvictionPolicy.ofCode(t.component7().intValueExact()));
      return Optional.of(new IdentityEntry(Ethereum.checksum(wallet), config));
    } catch (ContractRevertException e) {
      if ("NotRegistered".equals(e.errorName())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public Optional<String> topicOwner(String inviteTopic) {
    String owner = session.query("IdentityRegistry.topicOwner", () -> contract.topicOwner(inviteTopic).send());
    return owner.equalsIgnoreCase(ZERO_ADDRESS) ? Optional.empty() : Optional.of(Ethereum.checksum(owner));
  }

  @Override
  public BigInteger nonce(String wallet) {
    return session.query("IdentityRegistry.nonces", () -> contract.nonces(wallet).send());
  }

  @Override
  public byte[] domainSeparator() {
    return session.query("IdentityRegistry.domainSeparator", () -> contract.domainSeparator().send());
  }

  private static BigInteger code(long v) {
    return BigInteger.valueOf(v);
  }
}
