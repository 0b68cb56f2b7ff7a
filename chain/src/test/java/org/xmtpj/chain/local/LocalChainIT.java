package org.xmtpj.chain.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
class LocalChainIT {
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
  void withoutAPortTheNodeBindsAFreeOneAndRpcUrlNamesIt() throws Exception {
    assertThat(chain.port()).isPositive();
    assertThat(chain.rpcUrl()).isEqualTo("http://127.0.0.1:" + chain.port());
    assertThat(Files.readString(chain.logFile()))
        .contains("Started HTTP and WebSocket JSON-RPC server at http://127.0.0.1:" + chain.port() + "/");
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), chain.port()), 5_000);
    }
    assertThat(session.web3j().ethChainId().send().getChainId()).isEqualTo(BigInteger.valueOf(31337));
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
  void aGivenPortThatIsInUseFailsTheStartInsteadOfMovingElsewhere(@TempDir Path dir) throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();

      assertThatThrownBy(() -> LocalChain.builder().port(port).workDir(dir).start())
          .isInstanceOf(ChainException.class).hasMessageContaining("EADDRINUSE")
          .hasMessageContaining(String.valueOf(port));
      assertThat(taken.isBound()).isTrue();
    }
  }

  @Test
  void startsOnAGivenPortWithDeployParametersAndCloseStopsTheNodeAndFreesThePort(@TempDir Path dir) {
    // The port of a chain that bound a free port itself (held by its node, so no other process takes it meanwhile)
    // is given to a second chain once the first has stopped: a fixed port that was just in use and is free again.
    // Only in the instant between the first node's exit and the second's bind could another process take it; the
    // start then fails with EADDRINUSE (checked above), and the test tries again with another first chain.
    LocalChain second = null;
    int port = 0;
    for (int attempt = 0; second == null; attempt++) {
      try (LocalChain first = LocalChain.builder().workDir(dir.resolve("first-" + attempt)).start()) {
        port = first.port();
      }
      try {
        second = LocalChain.builder().port(port).workDir(dir.resolve("second")).deployParameter("epochLength", 30)
            .start();
      } catch (ChainException e) {
        if (attempt == 2 || !e.getMessage().contains("EADDRINUSE")) {
          throw e;
        }
      }
    }
    int given = port;
    ProcessHandle node = ProcessHandle.of(second.pid()).orElseThrow();
    try {
      assertThat(second.port()).isEqualTo(given);
      assertThat(second.rpcUrl()).isEqualTo("http://127.0.0.1:" + given);
      assertThat(second.deployment().epochLength()).isEqualTo(30);
      assertThat(second.logFile()).isEqualTo(dir.resolve("second").resolve("hardhat-node-" + given + ".log"));
      assertThat(Files.exists(dir.resolve("second").resolve("deployment.json"))).isTrue();
    } finally {
      second.close();
    }

    assertThat(node.isAlive()).isFalse();
    assertThat(second.isRunning()).isFalse();
    assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), given).close())
        .as("nothing listens on %d after close", given).isInstanceOf(IOException.class);
  }
}
