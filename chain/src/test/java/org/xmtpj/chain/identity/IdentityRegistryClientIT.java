package org.xmtpj.chain.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.ContractRevertException;
import org.xmtpj.chain.Signer;
import org.xmtpj.chain.TxReceipt;
import org.xmtpj.chain.events.ChainEvent;
import org.xmtpj.chain.events.ChainEvents;
import org.xmtpj.chain.local.LocalChain;
import org.xmtpj.chain.token.TokenClient;
import org.xmtpj.crypto.Secp256k1;

/**
 * IdentityRegistry on a real chain: entries written by the wallet itself and, with an EIP-712 signature made in
 * Java, by a relayer; read back from state and from events.
 */
class IdentityRegistryClientIT {
  static final SecureRandom RANDOM = new SecureRandom();
  static LocalChain chain;
  static ChainSession session;
  static IdentityTypedData typed;

  @BeforeAll
  static void start() {
    chain = LocalChain.start();
    session = chain.connect();
    typed = IdentityTypedData.of(chain.deployment());
  }

  @AfterAll
  static void stop() {
    session.close();
    chain.close();
  }

  @Test
  void aWalletRegistersItselfAndTheEntryIsReadableFromState() {
    Signer wallet = chain.accounts().get(1);
    IdentityConfig config = IdentityConfig.open(identityKey(),
        IdentityConfig.conventionalInviteTopic(wallet.address()), 30, EvictionPolicy.DROP_OLDEST);

    registry(wallet).register(config);

    IdentityRegistryClient reader = IdentityRegistryClient.connect(session);
    assertThat(reader.identityOf(wallet.address())).contains(new IdentityEntry(wallet.address(), config));
    assertThat(reader.topicOwner(config.inviteTopic())).contains(wallet.address());
    assertThat(reader.nonce(wallet.address())).isEqualTo(BigInteger.ONE);
  }

  @Test
  void aRelayerSubmitsARegistrationThatTheWalletSignedWithEip712() throws Exception {
    Signer wallet = freshWallet();
    IdentityConfig config = new IdentityConfig(identityKey(), "invites-" + wallet.address(), PublishPolicy.FEE,
        TokenClient.tokens(2), null, 90, EvictionPolicy.REJECT_NEW);
    BigInteger nonce = IdentityRegistryClient.connect(session).nonce(wallet.address());
    long deadline = session.latestBlockTimestamp() + 3600;
    byte[] signature = typed.signRegister(wallet, config, nonce, deadline);

    TxReceipt receipt = registry(chain.accounts().get(2)).registerFor(wallet.address(), config, deadline, signature);

    assertThat(IdentityRegistryClient.connect(session).identityOf(wallet.address()).orElseThrow().config())
        .isEqualTo(config);
    assertThat(session.web3j().ethGetBalance(wallet.address(), DefaultBlockParameterName.LATEST).send()
        .getBalance()).as("the wallet paid no gas").isZero();
    List<ChainEvent> events = ChainEvents.connect(session).fetch(receipt.blockNumber(), receipt.blockNumber());
    assertThat(events).singleElement().isInstanceOfSatisfying(ChainEvent.IdentityRegistered.class, e -> {
      assertThat(e.wallet()).isEqualTo(wallet.address());
      assertThat(e.config()).isEqualTo(config);
      assertThat(e.nonce()).isEqualTo(nonce);
      assertThat(e.source().transactionHash()).isEqualTo(receipt.hash());
    });
  }

  @Test
  void signedUpdateAndRevokeChangeTheEntryAndEmitAnEventEach() {
    Signer wallet = freshWallet();
    IdentityRegistryClient relayer = registry(chain.accounts().get(3));
    long deadline = session.latestBlockTimestamp() + 3600;
    IdentityConfig first = IdentityConfig.open(identityKey(), "first-" + wallet.address(), 7,
        EvictionPolicy.DROP_OLDEST);
    IdentityConfig second = new IdentityConfig(identityKey(), "second-" + wallet.address(), PublishPolicy.CREDENTIAL,
        BigInteger.ZERO, HexFormat.of().parseHex("0badc0de"), 365, EvictionPolicy.REJECT_NEW);

    TxReceipt registered = relayer.registerFor(wallet.address(), first, deadline,
        typed.signRegister(wallet, first, BigInteger.ZERO, deadline));
    relayer.updateFor(wallet.address(), second, deadline, typed.signUpdate(wallet, second, BigInteger.ONE, deadline));
    IdentityRegistryClient reader = IdentityRegistryClient.connect(session);
    assertThat(reader.identityOf(wallet.address()).orElseThrow().config()).isEqualTo(second);
    assertThat(reader.topicOwner(first.inviteTopic())).isEmpty();
    TxReceipt revoked = relayer.revokeFor(wallet.address(), deadline,
        typed.signRevoke(wallet, BigInteger.TWO, deadline));

    assertThat(reader.identityOf(wallet.address())).isEmpty();
    assertThat(reader.topicOwner(second.inviteTopic())).isEmpty();
    List<ChainEvent> events = ChainEvents.connect(session).fetch(registered.blockNumber(), revoked.blockNumber());
    assertThat(events).hasSize(3);
    assertThat(events.get(0)).isEqualTo(new ChainEvent.IdentityRegistered(events.get(0).source(), wallet.address(),
        first, BigInteger.ZERO));
    assertThat(events.get(1)).isEqualTo(new ChainEvent.IdentityUpdated(events.get(1).source(), wallet.address(),
        second, BigInteger.ONE));
    assertThat(events.get(2)).isEqualTo(new ChainEvent.IdentityRevoked(events.get(2).source(), wallet.address(),
        second.inviteTopic(), BigInteger.TWO));
  }

  @Test
  void aSignatureByAnotherKeyIsRejectedWithInvalidSignature() {
    Signer wallet = freshWallet();
    IdentityConfig config = IdentityConfig.open(identityKey(), "t-" + wallet.address(), 1, EvictionPolicy.DROP_OLDEST);
    long deadline = session.latestBlockTimestamp() + 3600;
    byte[] forged = freshWallet().signDigest(typed.registerDigest(wallet.address(), config, BigInteger.ZERO, deadline));

    assertThatThrownBy(() -> registry(chain.accounts().get(4)).registerFor(wallet.address(), config, deadline, forged))
        .isInstanceOfSatisfying(ContractRevertException.class,
            e -> assertThat(e.errorName()).isEqualTo("InvalidSignature"));
  }

  @Test
  void anExpiredSignatureIsRejectedWithExpiredSignature() {
    Signer wallet = freshWallet();
    IdentityConfig config = IdentityConfig.open(identityKey(), "x-" + wallet.address(), 1, EvictionPolicy.DROP_OLDEST);
    long deadline = session.latestBlockTimestamp() - 1;
    byte[] signature = typed.signRegister(wallet, config, BigInteger.ZERO, deadline);
    IdentityRegistryClient relayer = registry(chain.accounts().get(4));

    assertThatThrownBy(() -> relayer.registerFor(wallet.address(), config, deadline, signature))
        .isInstanceOfSatisfying(ContractRevertException.class, e -> {
          assertThat(e.errorName()).isEqualTo("ExpiredSignature");
          assertThat(e.arguments()).containsExactly(BigInteger.valueOf(deadline));
        });
  }

  @Test
  void aUsedSignatureCannotBeReplayed() {
    Signer wallet = freshWallet();
    IdentityConfig config = IdentityConfig.open(identityKey(), "r-" + wallet.address(), 1, EvictionPolicy.DROP_OLDEST);
    long deadline = session.latestBlockTimestamp() + 3600;
    byte[] signature = typed.signRegister(wallet, config, BigInteger.ZERO, deadline);
    IdentityRegistryClient relayer = registry(chain.accounts().get(5));
    relayer.registerFor(wallet.address(), config, deadline, signature);

    // the nonce moved on, so the same signature no longer verifies
    assertThatThrownBy(() -> relayer.registerFor(wallet.address(), config, deadline, signature))
        .isInstanceOfSatisfying(ContractRevertException.class,
            e -> assertThat(e.errorName()).isEqualTo("InvalidSignature"));
  }

  @Test
  void anotherWalletsConventionalTopicIsReservedForIt() {
    String victim = chain.accounts().get(7).address();
    IdentityConfig squat = IdentityConfig.open(identityKey(), IdentityConfig.conventionalInviteTopic(victim), 30,
        EvictionPolicy.DROP_OLDEST);

    assertThatThrownBy(() -> registry(chain.accounts().get(6)).register(squat))
        .isInstanceOfSatisfying(ContractRevertException.class, e -> {
          assertThat(e.errorName()).isEqualTo("TopicReserved");
          assertThat(e.arguments()).hasSize(2);
          assertThat(((String) e.arguments().get(1))).isEqualToIgnoringCase(victim);
        });
  }

  @Test
  void theJavaDomainSeparatorEqualsTheContracts() {
    assertThat(IdentityRegistryClient.connect(session).domainSeparator()).isEqualTo(typed.domainSeparator());
  }

  @Test
  void aWalletWithoutAnEntryReadsAsEmpty() {
    assertThat(IdentityRegistryClient.connect(session).identityOf(freshWallet().address())).isEmpty();
  }

  static IdentityRegistryClient registry(Signer signer) {
    return IdentityRegistryClient.connect(session.withSigner(signer));
  }

  static Signer freshWallet() {
    return Signer.fromPrivateKey(Secp256k1.generatePrivateKey(RANDOM));
  }

  static byte[] identityKey() {
    return Secp256k1.publicKeyUncompressed(Secp256k1.generatePrivateKey(RANDOM));
  }
}
