package org.xmtpj.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.node.NodeConfig;
import org.xmtpj.node.XmtpNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code xmtpd start}: runs one node until SIGTERM/SIGINT, then drains and exits. */
@Command(name = "start", mixinStandardHelpOptions = true,
    description = "Start a node (SQLite in the data directory unless --db-url names PostgreSQL).")
final class StartCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(StartCommand.class);

  @Option(names = "--config", description = "YAML config file (env XMTPD_CONFIG)")
  Path config;

  @Option(names = "--data-dir", description = "data directory (default .xmtpd)")
  String dataDir;

  @Option(names = "--host", description = "address to bind (default 0.0.0.0)")
  String host;

  @Option(names = "--http-port", description = "HTTP/JSON gateway port (default 5555)")
  String httpPort;

  @Option(names = "--grpc-port", description = "gRPC port (default 5556)")
  String grpcPort;

  @Option(names = "--db-url", description = "JDBC URL of a PostgreSQL database (default: SQLite)")
  String dbUrl;

  @Option(names = "--log-format", description = "text or json")
  String logFormat;

  @Option(names = "--no-rate-limit", description = "disable per-client rate limits (benchmarks)")
  boolean noRateLimit;

  @Option(names = "--peer", paramLabel = "[NODEKEY@]HOST:PORT", split = ",",
      description = "a peer's replication address, with its node key (hex) to pin it; repeatable"
          + " (env XMTPD_PEERS, comma-separated). Given here, it replaces the env and file peers.")
  List<String> peers = List.of();

  @Option(names = "--peers-file", paramLabel = "FILE",
      description = "more peers, one [NODEKEY@]HOST:PORT per line (# comments), re-read while the node runs"
          + " whenever the file changes; replace it atomically (write elsewhere, then move)")
  String peersFile;

  @Option(names = "--replication-port", description = "node-to-node port (default 5557; -1 turns replication off)")
  String replicationPort;

  @Option(names = "--tls-cert", description = "PEM certificate chain for node-to-node TLS")
  String tlsCert;

  @Option(names = "--tls-key", description = "PEM PKCS#8 private key for --tls-cert")
  String tlsKey;

  @Option(names = "--tls-trust", description = "PEM certificates a peer's certificate must chain to")
  String tlsTrust;

  @Option(names = "--anti-entropy-interval", description = "mean time between anti-entropy rounds (default 30s)")
  String antiEntropyInterval;

  @Option(names = "--on-corrupt-store", paramLabel = "refuse|rebootstrap", description = "a store file found"
      + " unusable at start: refuse to start (default), or move it aside and copy everything again from peers")
  String onCorruptStore;

  @Option(names = "--retention", description = "prune events created longer ago than this, e.g. 30d (default 0:"
      + " keep everything; a network parameter, the same on every node)")
  String retention;

  @Option(names = "--chain-rpc", paramLabel = "URL", description = "JSON-RPC URL of the EVM chain with the registry"
      + " contracts: peers then come from the active set (env XMTPD_CHAIN_RPC); needs --deployment")
  String chainRpc;

  @Option(names = "--deployment", paramLabel = "FILE", description = "deployment file of the contracts"
      + " (written by contracts/scripts/deploy.js; env XMTPD_CHAIN_DEPLOYMENT)")
  String deployment;

  @Option(names = "--operator-key-file", paramLabel = "FILE", description = "file holding the operator's private"
      + " key (hex); with it the node advances epochs when due (env XMTPD_CHAIN_OPERATOR_KEY_FILE)")
  String operatorKeyFile;

  @Option(names = "--set", description = "any setting as key=value, e.g. --set limits.maxPageSize=50")
  List<String> sets = List.of();

  @Override
  public Integer call() throws Exception {
    NodeConfig nodeConfig = ConfigLoader.build(Settings.resolve(fileSettings(), System.getenv(), flagSettings()));
    LOG.info("effective configuration: {}", nodeConfig.describe());
    XmtpNode node = new XmtpNode(nodeConfig, Clock.systemUTC()).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("shutdown requested: draining");
      node.close();
      stopped.countDown();
      // a JVM ended by SIGTERM exits 143 even after a clean drain; the drain succeeded, so say so
      Runtime.getRuntime().halt(0);
    }, "shutdown"));
    // the same ports as ports.json in the data directory (NodePorts), for whoever reads the output instead
    System.out.println("xmtpd ready: http=" + node.httpPort() + " grpc=" + node.grpcPort() + " replication="
        + node.replicationPort() + " node=" + node.nodeId());
    System.out.flush();
    stopped.await();
    return 0;
  }

  private Map<String, String> fileSettings() {
    Path file = config;
    if (file == null && System.getenv("XMTPD_CONFIG") != null) {
      file = Path.of(System.getenv("XMTPD_CONFIG"));
    }
    return file == null ? Map.of() : ConfigLoader.readYaml(file);
  }

  /** {@code --set} values, then the dedicated flags that were given (a dedicated flag wins over --set). */
  Map<String, String> flagSettings() {
    Map<String, String> flags = new HashMap<>();
    for (String kv : sets) {
      int eq = kv.indexOf('=');
      if (eq < 1 || !Settings.KEYS.contains(kv.substring(0, eq))) {
        throw new IllegalArgumentException("--set expects key=value with a known key, got '" + kv + "'; known: "
            + Settings.KEYS);
      }
      flags.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    Map<String, String> dedicated = new HashMap<>();
    dedicated.put("dataDir", dataDir);
    dedicated.put("host", host);
    dedicated.put("httpPort", httpPort);
    dedicated.put("grpcPort", grpcPort);
    dedicated.put("dbUrl", dbUrl);
    dedicated.put("logFormat", logFormat);
    dedicated.put("replication.peers", peers.isEmpty() ? null : String.join(",", peers));
    dedicated.put("replication.port", replicationPort);
    dedicated.put("replication.peersFile", peersFile);
    dedicated.put("replication.tls.cert", tlsCert);
    dedicated.put("replication.tls.key", tlsKey);
    dedicated.put("replication.tls.trust", tlsTrust);
    dedicated.put("replication.antiEntropyInterval", antiEntropyInterval);
    dedicated.put("replication.retention", retention);
    dedicated.put("store.onCorrupt", onCorruptStore);
    dedicated.put("rateLimit.enabled", noRateLimit ? "false" : null);
    dedicated.put("chain.rpc", chainRpc);
    dedicated.put("chain.deployment", deployment);
    dedicated.put("chain.operatorKeyFile", operatorKeyFile);
    dedicated.forEach((k, v) -> {
      if (v != null) {
        flags.put(k, v);
      }
    });
    return flags;
  }
}
