package org.xmtpj.chain.local;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.xmtpj.chain.ChainException;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.Deployment;
import org.xmtpj.chain.Signer;

/**
 * A local Hardhat chain with the network's contracts deployed, for tests and devnets. {@link #start} runs
 * {@code contracts/scripts/start-node.sh} (a {@code hardhat node} in its own process group, ready when it answers
 * eth_chainId) and {@code scripts/deploy.js}; {@link #close} stops the node. A JVM shutdown hook stops it too,
 * so a failing or interrupted test run does not leak the process (only SIGKILL of the JVM can).
 *
 * <p>Without a {@link Builder#port fixed port} the node binds a free port itself (port 0) and {@link #port} is
 * the one it reports having bound, so two chains (or a chain and any other process) never race for a port.
 *
 * <p>Needs {@code node} and {@code bash} on the PATH and the contracts' npm packages installed (the Maven build
 * of this module installs them).
 */
public final class LocalChain implements AutoCloseable {
  /** start-node.sh's last line: "ready http://127.0.0.1:PORT chainId=ID pid=PID". */
  private static final Pattern READY = Pattern.compile("^ready http://127\\.0\\.0\\.1:(\\d+) chainId=\\d+ pid=\\d+$",
      Pattern.MULTILINE);

  private final Path contractsDir;
  private final Path workDir;
  private final boolean ownsWorkDir;
  private final int port;
  private final Path logFile;
  private final ProcessHandle node;
  private final Thread shutdownHook;
  // HTTP/1.1: the default HTTP/2 client asks for an h2c upgrade, which Hardhat's server does not answer sensibly
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private Deployment deployment;
  private boolean closed;

  private LocalChain(Builder b, Path workDir, int port, Path logFile, ProcessHandle node) {
    this.contractsDir = b.contractsDir;
    this.workDir = workDir;
    this.ownsWorkDir = b.workDir == null;
    this.port = port;
    this.logFile = logFile;
    this.node = node;
    // the whole close(), so an unclosed chain also loses its temporary directory at JVM exit
    this.shutdownHook = new Thread(this::close, "local-chain-stop-" + port);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A chain on a port the node binds itself, with the default deployment parameters. */
  public static LocalChain start() {
    return builder().start();
  }

  /** Options for {@link LocalChain}. */
  public static final class Builder {
    private Path contractsDir;
    private int port;
    private Path workDir;
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private Duration startTimeout = Duration.ofSeconds(60);
    private Duration deployTimeout = Duration.ofSeconds(120);

    private Builder() {}

    /** The {@code contracts/} directory; by default found from -Dxmtpj.contracts.dir, $XMTPJ_CONTRACTS_DIR or cwd. */
    public Builder contractsDir(Path dir) {
      this.contractsDir = dir;
      return this;
    }

    /**
     * A fixed port (e.g. a devnet's), which must be free: start fails if another process holds it. 0 (the default):
     * the node binds a free port itself, and {@link LocalChain#port} tells which.
     */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Where the PID file, node log and deployment file go; by default a temporary directory removed on close. */
    public Builder workDir(Path dir) {
      this.workDir = dir;
      return this;
    }

    /** A deploy.js parameter by its camelCase name (see docs/contracts.md), e.g. {@code epochLength, 60}. */
    public Builder deployParameter(String name, Object value) {
      parameters.put(name, String.valueOf(value));
      return this;
    }

    public Builder startTimeout(Duration timeout) {
      this.startTimeout = timeout;
      return this;
    }

    public Builder deployTimeout(Duration timeout) {
      this.deployTimeout = timeout;
      return this;
    }

    /** Starts the node, deploys, and returns the running chain. */
    public LocalChain start() {
      if (contractsDir == null) {
        contractsDir = ContractsDir.locate();
      }
      Path dir = prepareWorkDir();
      LocalChain chain;
      try {
        chain = launch(dir);
      } catch (RuntimeException e) {
        if (workDir == null) {
          deleteTree(dir);
        }
        throw e;
      }
      try {
        chain.deploy(parameters, deployTimeout);
        return chain;
      } catch (RuntimeException e) {
        chain.close();
        throw e;
      }
    }

    private Path prepareWorkDir() {
      try {
        return workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("xmtpj-local-chain-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Starts hardhat node on the fixed port, or on port 0, and reads the port it bound from start-node.sh. */
    private LocalChain launch(Path dir) {
      String name = port != 0 ? "hardhat-node-" + port : "hardhat-node";
      Path pidFile = dir.resolve(name + ".pid");
      Path log = dir.resolve(name + ".log");
      Path out = dir.resolve("start-" + name + ".out");
      Commands.run(List.of("bash", contractsDir.resolve("scripts/start-node.sh").toString(), String.valueOf(port),
              pidFile.toString(), log.toString()),
          contractsDir, Map.of("CHAIN_START_TIMEOUT", String.valueOf(startTimeout.toSeconds())),
          startTimeout.plusSeconds(10), out);
      ProcessHandle node = readPid(pidFile);
      int bound;
      try {
        bound = boundPort(out);
      } catch (ChainException e) {
        stop(node);
        throw e;
      }
      if (port != 0 && bound != port) {
        stop(node);
        throw new ChainException("hardhat node was asked for port " + port + " but reports " + bound);
      }
      return new LocalChain(this, dir, bound, log, node);
    }
  }

  /** The port in start-node.sh's "ready" line (the one the node bound). */
  static int boundPort(Path startOutput) {
    String text;
    try {
      text = Files.readString(startOutput, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ChainException("cannot read start-node.sh's output " + startOutput, e);
    }
    Matcher m = READY.matcher(text);
    if (!m.find()) {
      throw new ChainException("start-node.sh printed no 'ready http://127.0.0.1:PORT ...' line:\n"
          + Commands.tail(startOutput, 30));
    }
    return Integer.parseInt(m.group(1));
  }

  public String rpcUrl() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** The deployed contracts (chain id 31337). */
  public Deployment deployment() {
    return deployment;
  }

  public Path deploymentFile() {
    return workDir.resolve("deployment.json");
  }

  /** The node's log (hardhat node's stdout and stderr). */
  public Path logFile() {
    return logFile;
  }

  public long pid() {
    return node.pid();
  }

  /** The 20 funded dev accounts; account 0 deployed the contracts and holds the genesis token supply. */
  public List<Signer> accounts() {
    return HardhatAccounts.defaults();
  }

  public Signer deployer() {
    return accounts().get(0);
  }

  /** A read-only session on this chain (close it when done; derive signing ones with withSigner). */
  public ChainSession connect() {
    return ChainSession.connect(rpcUrl(), deployment);
  }

  /** Moves the chain's clock forward and mines a block, so the next calls see the new time. */
  public void increaseTime(Duration by) {
    rpc("evm_increaseTime", "[" + by.toSeconds() + "]");
    mine();
  }

  /** Saves the chain's state (evm_snapshot); {@link #revert} returns to it: how a test makes a reorg. */
  public String snapshot() {
    return rpc("evm_snapshot", "[]").getAsString();
  }

  /**
   * Returns to a {@link #snapshot}: the blocks mined since are gone, and the blocks mined next take their heights
   * with other hashes, which is what a follower sees in a reorg.
   */
  public void revert(String snapshotId) {
    if (!rpc("evm_revert", "[\"" + snapshotId + "\"]").getAsBoolean()) {
      throw new ChainException("evm_revert " + snapshotId + ": no such snapshot");
    }
  }

  /** Mines one empty block. */
  public void mine() {
    rpc("evm_mine", "[]");
  }

  /**
   * Turns automining (a block per transaction, Hardhat's default) off or on; with it off, transactions wait in
   * the mempool until {@link #mine()}: how a test sees a transaction that is not mined in time.
   */
  public void setAutomine(boolean on) {
    rpc("evm_setAutomine", "[" + on + "]");
  }

  public boolean isRunning() {
    return node.isAlive();
  }

  /** Stops the node and removes a temporary work directory. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop(node);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook runs (or ran) anyway
    }
    if (ownsWorkDir) {
      deleteTree(workDir);
    }
  }

  private void deploy(Map<String, String> parameters, Duration timeout) {
    ensureCompiled(timeout);
    List<String> cmd = new ArrayList<>(List.of("node", "scripts/deploy.js", "--rpc", rpcUrl(),
        "--out", deploymentFile().toString()));
    parameters.forEach((k, v) -> cmd.addAll(List.of("--" + k, v)));
    Commands.run(cmd, contractsDir, Map.of(), timeout, workDir.resolve("deploy.out"));
    deployment = Deployment.read(deploymentFile());
  }

  /** deploy.js reads Hardhat's artifacts; a checkout that never ran the Maven build has none yet. */
  private void ensureCompiled(Duration timeout) {
    if (Files.exists(contractsDir.resolve("artifacts/contracts/Token.sol/Token.json"))) {
      return;
    }
    Commands.run(List.of("node", "node_modules/hardhat/internal/cli/cli.js", "compile", "--quiet"), contractsDir,
        Map.of(), timeout, workDir.resolve("compile.out"));
  }

  private com.google.gson.JsonElement rpc(String method, String paramsJson) {
    String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + paramsJson + "}";
    HttpRequest request = HttpRequest.newBuilder(URI.create(rpcUrl())).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      String response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
      JsonObject json;
      try {
        json = JsonParser.parseString(response).getAsJsonObject();
      } catch (RuntimeException e) {
        throw new ChainException(method + ": not a JSON-RPC answer: " + response, e);
      }
      if (json.has("error")) {
        throw new ChainException(method + " failed: " + json.get("error"));
      }
      return json.get("result");
    } catch (IOException e) {
      throw new ChainException(method + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChainException(method + " interrupted", e);
    }
  }

  /** TERM, then KILL after 5 s; the node's children (if any) first, so none is orphaned. */
  private static void stop(ProcessHandle node) {
    if (!node.isAlive()) {
      return;
    }
    node.descendants().forEach(ProcessHandle::destroy);
    node.destroy();
    try {
      node.onExit().get(5, TimeUnit.SECONDS);
    } catch (Exception notYet) {
      node.descendants().forEach(ProcessHandle::destroyForcibly);
      node.destroyForcibly();
    }
  }

  private static ProcessHandle readPid(Path pidFile) {
    try {
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      return ProcessHandle.of(pid)
          .orElseThrow(() -> new ChainException("hardhat node (pid " + pid + ") exited right after start"));
    } catch (IOException | NumberFormatException e) {
      throw new ChainException("start-node.sh wrote no usable PID file at " + pidFile, e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a leftover temp directory is harmless
    }
  }
}
