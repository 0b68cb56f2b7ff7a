package org.xmtpj.chain.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.xmtpj.chain.ChainException;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.Deployment;
import org.xmtpj.chain.TxReceipt;
import org.xmtpj.chain.token.TokenClient;

/** A real hardhat node started from contracts/scripts, with the contracts deployed by deploy.js. */
class LocalChainTest {
  static LocalChain chain;
  static ChainSession session;

  @BeforeAll
  static void start() {
    chain = LocalChain.start();
    session = chain.connect();
  }

  @AfterAll
  static void stop() {
    session.close();
    chain.close();
  }

  @Test
  void startsANodeDeploysTheFourContractsAndWritesTheDeploymentFile() throws Exception {
    Deployment d = chain.deployment();

    assertThat(d.chainId()).isEqualTo(31337);
    assertThat(d.deployer()).isEqualTo(chain.deployer().address());
    assertThat(Deployment.read(chain.deploymentFile())).isEqualTo(d);
    for (String address : new String[] {d.tokenAddress(), d.nodeRegistryAddress(), d.stakingAddress(),
        d.identityRegistryAddress()}) {
      String code = session.web3j().ethGetCode(address, DefaultBlockParameterName.LATEST).send().getCode();
      assertThat(code).as("code at %s", address).hasSizeGreaterThan(100);
    }
    assertThat(chain.logFile()).exists();
  }

  @Test
  void devAccountsAreFundedAndTheDeployerHoldsTheGenesisSupply() throws Exception {
    BigInteger ether = session.web3j().ethGetBalance(chain.accounts().get(19).address(),
        DefaultBlockParameterName.LATEST).send().getBalance();
    TokenClient token = TokenClient.connect(session);

    assertThat(ether).isGreaterThanOrEqualTo(BigInteger.TEN.pow(18 + 3));
    assertThat(token.balanceOf(chain.deployer().address())).isEqualTo(TokenClient.tokens(1_000_000_000L));
    assertThat(token.totalSupply()).isEqualTo(TokenClient.tokens(1_000_000_000L));
  }

  @Test
  void increaseTimeMovesTheClockThatContractsSee() {
    long before = session.latestBlockTimestamp();

    chain.increaseTime(Duration.ofHours(1));

    assertThat(session.latestBlockTimestamp()).isGreaterThanOrEqualTo(before + 3600);
  }

  @Test
  void aSessionRefusesAnEndpointThatServesAnotherChain() {
    Deployment d = chain.deployment();
    Deployment otherChain = new Deployment(1, d.rpc(), d.deployer(), d.deployBlock(), d.lastDeployBlock(),
        d.contracts(), d.parameters(), d.genesisTime(), d.epochLength());

    assertThatThrownBy(() -> ChainSession.connect(chain.rpcUrl(), otherChain))
        .isInstanceOf(ChainException.class).hasMessageContaining("serves chain 31337");
  }

  @Test
  void legacyTransactionsAreAcceptedAsWellAsEip1559Ones() throws Exception {
    ChainSession.Options legacy = new ChainSession.Options(Duration.ofSeconds(30), Duration.ofMillis(100), false);
    String to = chain.accounts().get(12).address();
    TxReceipt legacyTx;
    try (ChainSession s = ChainSession.connect(chain.rpcUrl(), chain.deployment(), legacy)) {
      legacyTx = TokenClient.connect(s.withSigner(chain.accounts().get(11))).transfer(to, BigInteger.ZERO);
    }
    TxReceipt dynamicFeeTx = TokenClient.connect(session.withSigner(chain.accounts().get(11)))
        .transfer(to, BigInteger.ZERO);

    assertThat(transactionType(legacyTx)).isEqualTo("0x0");
    assertThat(transactionType(dynamicFeeTx)).isEqualTo("0x2");
  }

  private static String transactionType(TxReceipt r) throws IOException {
    return session.web3j().ethGetTransactionByHash(r.hash()).send().getTransaction().orElseThrow().getType();
  }

  @Test
  void aTransactionThatIsNotMinedInTimeFailsWithATimeout() {
    ChainSession.Options impatient = new ChainSession.Options(Duration.ofSeconds(1), Duration.ofMillis(100), true);
    chain.setAutomine(false);
    try (ChainSession s = ChainSession.connect(chain.rpcUrl(), chain.deployment(), impatient)) {
      assertThatThrownBy(() -> TokenClient.connect(s.withSigner(chain.accounts().get(12)))
          .transfer(chain.deployer().address(), BigInteger.ZERO))
          .isInstanceOf(ChainException.class).hasMessageContaining("not mined within 1 s");
    } finally {
      chain.setAutomine(true);
      chain.mine();
    }
  }

  @Test
  void startsOnAGivenPortWithDeployParametersAndCloseStopsTheNodeAndFreesThePort(@TempDir Path dir)
      throws IOException {
    int port = freePort();
    LocalChain second = LocalChain.builder().port(port).workDir(dir).deployParameter("epochLength", 30).start();
    ProcessHandle node = ProcessHandle.of(second.pid()).orElseThrow();
    try {
      assertThat(second.rpcUrl()).isEqualTo("http://127.0.0.1:" + port);
      assertThat(second.deployment().epochLength()).isEqualTo(30);
      assertThat(Files.exists(dir.resolve("deployment.json"))).isTrue();
    } finally {
      second.close();
    }

    assertThat(node.isAlive()).isFalse();
    assertThat(second.isRunning()).isFalse();
    try (ServerSocket reuse = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertThat(reuse.getLocalPort()).isEqualTo(port);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
