package org.xmtpj.bench;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;

/**
 * Load generator for an xmtpd node running as a separate process (fresh data directory, SQLite by default,
 * {@code --no-rate-limit}). Prints figures to stdout and appends a markdown section per scenario to a report.
 *
 * <pre>
 * LoadBench publish-grpc | publish-http | query | delivery | delivery-grpc | delivery-http | all  [options]
 * LoadBench propagation | bootstrap | antientropy-bytes | replication  [options]     (several peered nodes)
 * LoadBench sdk | sdk-crypto | sdk-e2e  [options]     (the Java SDK; run.sh pins this JVM to one core)
 * </pre>
 */
public final class LoadBench {
  private static final List<String> SCENARIOS =
      List.of("publish-grpc", "publish-http", "query", "delivery", "delivery-grpc", "delivery-http", "all",
          "propagation", "bootstrap", "antientropy-bytes", "replication", "sdk", "sdk-crypto", "sdk-e2e",
          "state-root");
  private static final List<String> REPLICATION = List.of("propagation", "bootstrap", "antientropy-bytes");

  private LoadBench() {}

  public static void main(String[] args) throws Exception {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-text.xml"); // the node's INFO setup, not DEBUG
    }
    if (args.length == 0 || !SCENARIOS.contains(args[0])) {
      usage();
      boolean help = args.length == 0 || args[0].equals("--help") || args[0].equals("-h");
      System.exit(help ? 0 : 2);
    }
    String scenario = args[0];
    Options o = Options.parse(Arrays.asList(args).subList(1, args.length));
    if (o.flag("help")) {
      usage();
      return;
    }
    Path target = targetDir();
    Path report = o.path("report", target.resolve("bench-report.md"));
    Path runs = o.path("runs-dir", target.resolve("runs"));
    boolean profile = o.flag("profile");
    boolean keep = o.flag("keep-data");
    List<String> scenarios = switch (scenario) {
      case "all" -> List.of("publish-grpc", "publish-http", "query", "delivery");
      case "replication" -> REPLICATION;
      case "sdk" -> List.of("sdk-crypto", "sdk-e2e");
      default -> List.of(scenario);
    };
    int failures = 0;
    for (String sc : scenarios) {
      try {
        runOne(sc, o, runs, report, profile, keep);
      } catch (RuntimeException e) {
        failures++;
        System.err.println(sc + " failed: " + e);
        e.printStackTrace();
      }
    }
    List<String> unused = o.unused();
    if (!unused.isEmpty()) {
      System.err.println("warning: options not used by " + scenario + ": " + unused);
    }
    System.exit(failures == 0 ? 0 : 1);
  }

  private static void runOne(String scenario, Options o, Path runs, Path report, boolean profile, boolean keep)
      throws Exception {
    String when = ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z"));
    List<String> nodeArgs = o.nodeArgs();
    if (REPLICATION.contains(scenario)) {
      awaitQuietMachine(o.doubleValue("max-load", 3.0), o.intValue("max-load-wait", 600));
      Section s = header(scenario, when, nodeArgs);
      s.parameter("command", command(scenario));
      Path datasets = o.path("datasets-dir", targetDir().resolve("datasets"));
      try (RunDirectory run = RunDirectory.create(runs, scenario, keep)) {
        s.parameter("run directory", run.root() + (keep ? "" : " (data deleted afterwards, logs kept)"));
        switch (scenario) {
          case "propagation" -> Propagation.run(o, run, s, profile);
          case "bootstrap" -> Bootstrap.run(o, run, datasets, s, profile);
          case "antientropy-bytes" -> AntiEntropyBytes.run(o, run, datasets, s);
          default -> throw new IllegalArgumentException(scenario);
        }
      } finally {
        s.result("load average at the end", Window.loadAverage());
        s.appendTo(report); // also when the run failed: the section then says how far it got
      }
      return;
    }
    if (scenario.startsWith("sdk")) {
      runSdk(scenario, o, runs, report, keep, when, nodeArgs);
      return;
    }
    if (scenario.equals("state-root")) {
      awaitQuietMachine(o.doubleValue("max-load", 1.5), o.intValue("max-load-wait", 600));
      Section s = new Section("`state-root` — " + when);
      s.parameter("machine", machine()).parameter("command", command(scenario))
          .parameter("JVM", Runtime.version() + ", max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB")
          .parameter("load average at start", Window.loadAverage());
      try {
        StateRoot.run(o, s);
      } finally {
        s.result("load average at the end", Window.loadAverage());
        s.appendTo(report);
      }
      return;
    }
    Path dataDir = o.path("data-dir", null);
    try (BenchNode node = BenchNode.start(runs, dataDir, scenario, nodeArgs, keep)) {
      if (scenario.startsWith("delivery")) {
        if (!scenario.equals("delivery-http")) {
          Section s = header("delivery-grpc", when, nodeArgs);
          Delivery.run(o, node, s, profiler(node, "delivery-grpc", profile), false);
          s.appendTo(report);
        }
        if (!scenario.equals("delivery-grpc")) {
          Section s = header("delivery-http", when, nodeArgs);
          Delivery.run(o, node, s, profiler(node, "delivery-http", profile), true);
          s.appendTo(report);
        }
        return;
      }
      Section s = header(scenario, when, nodeArgs);
      Profiler p = profiler(node, scenario, profile);
      switch (scenario) {
        case "publish-grpc" -> PublishGrpc.run(o, node, s, p);
        case "publish-http" -> PublishHttp.run(o, node, s, p);
        case "query" -> QueryBench.run(o, node, s, p);
        default -> throw new IllegalArgumentException(scenario);
      }
      s.appendTo(report);
    }
  }

  /**
   * The Java SDK on one core: the JMH micro-benchmark needs no node; the end-to-end run starts one node process,
   * moves it to {@code --node-cpus} (default 1; this JVM runs on the core run.sh gave it) and runs over gRPC, then
   * HTTP, each with fresh users.
   */
  private static void runSdk(String scenario, Options o, Path runs, Path report, boolean keep, String when,
      List<String> nodeArgs) throws Exception {
    awaitQuietMachine(o.doubleValue("max-load", 1.5), o.intValue("max-load-wait", 1200));
    if (scenario.equals("sdk-crypto")) {
      Section s = new Section("`sdk-crypto` — " + when);
      s.parameter("machine", machine()).parameter("command", command(scenario))
          .parameter("load average at start", Window.loadAverage());
      try {
        SdkCrypto.run(o, s);
      } finally {
        s.result("load average at the end", Window.loadAverage());
        s.appendTo(report);
      }
      return;
    }
    try (BenchNode node = BenchNode.start(runs, o.path("data-dir", null), scenario, nodeArgs, keep)) {
      String nodeCpus = SdkLoad.pin(node.pid(), o.string("node-cpus", "1"));
      System.out.println("node moved to CPUs " + nodeCpus);
      for (String transport : List.of("grpc", "http")) {
        String now = ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z"));
        Section s = header("sdk-e2e-" + transport, now, nodeArgs);
        s.parameter("command", command(scenario));
        try {
          SdkLoad.run(o, node, s, transport.equals("http"));
        } finally {
          s.result("load average at the end", Window.loadAverage());
          s.appendTo(report);
        }
      }
    }
  }

  /**
   * The machine is shared (2 cores): waits, up to {@code maxWaitSeconds}, until the 1-minute load average is below
   * {@code maxLoad}, so that a run does not start in the middle of somebody else's build or test.
   */
  private static void awaitQuietMachine(double maxLoad, int maxWaitSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + maxWaitSeconds * 1_000_000_000L;
    while (true) {
      double load = Double.parseDouble(Window.loadAverage().split(" ")[0]);
      if (load < maxLoad || maxLoad <= 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        System.out.printf("load average still %.2f after %d s: starting anyway%n", load, maxWaitSeconds);
        return;
      }
      System.out.printf("load average %.2f ≥ %.1f: waiting 30 s for a quieter machine%n", load, maxLoad);
      Thread.sleep(30_000);
    }
  }

  /** The command line this JVM was started for, as bench/run.sh takes it. */
  private static String command(String scenario) {
    String args = System.getProperty("sun.java.command", "");
    int at = args.indexOf(LoadBench.class.getName());
    String rest = at < 0 ? scenario : args.substring(at + LoadBench.class.getName().length()).strip();
    return "bench/run.sh " + rest;
  }

  private static Profiler profiler(BenchNode node, String scenario, boolean enabled) {
    return enabled ? Profiler.of(node, scenario, true) : Profiler.disabled();
  }

  private static Section header(String scenario, String when, List<String> nodeArgs) {
    Section s = new Section("`" + scenario + "` — " + when);
    s.parameter("machine", machine());
    s.parameter("node", "separate JVM (same JDK, default heap/GC), SQLite, flags --no-rate-limit"
        + (nodeArgs.isEmpty() ? "" : " " + String.join(" ", nodeArgs)));
    s.parameter("node build", nodeBuild());
    s.parameter("load average at start", Window.loadAverage());
    return s;
  }

  /** The machine's CPUs (not what this JVM was limited to), OS and JDK. */
  private static String machine() {
    long cpus;
    try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      cpus = lines.filter(l -> l.startsWith("processor")).count();
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      cpus = Runtime.getRuntime().availableProcessors();
    }
    return cpus + " CPUs, " + System.getProperty("os.name") + " "
        + System.getProperty("os.version") + ", Java " + System.getProperty("java.runtime.version");
  }

  /** The git commit of the working tree and whether the node's modules differ from it, plus the node jar's time. */
  private static String nodeBuild() {
    String jar = "?";
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (entry.endsWith("node-0.1.0-SNAPSHOT.jar") || entry.endsWith("node/target/classes")) {
        try {
          jar = Path.of(entry).getFileName() + " built " + Files.getLastModifiedTime(Path.of(entry)).toInstant()
              .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        } catch (java.io.IOException e) {
          jar = entry;
        }
      }
    }
    String head = run("git", "rev-parse", "--short", "HEAD");
    String dirty = run("git", "status", "--porcelain", "--", "node", "store", "dag", "crypto", "proto", "cli");
    return "git " + (head.isBlank() ? "?" : head.strip()) + (dirty.isBlank() ? "" : " + uncommitted changes in "
        + dirty.lines().map(l -> l.substring(3).split("/")[0]).distinct().toList()) + "; " + jar;
  }

  private static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      return p.waitFor() == 0 ? out : "";
    } catch (java.io.IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** {@code bench/target}, found from where this class was loaded (the jar, or target/classes). */
  private static Path targetDir() throws URISyntaxException {
    Path location = Path.of(LoadBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path target = location.getParent();
    return Files.isDirectory(target) ? target : Path.of("bench", "target");
  }

  private static void usage() {
    System.out.println("""
        usage: LoadBench <scenario> [options]
          scenarios: publish-grpc, publish-http, query, delivery (= delivery-grpc then delivery-http on one node),
                     delivery-grpc, delivery-http, all (publish-grpc, publish-http, query, delivery; a node each)
          common:    --warmup S (5) --duration S (20) --size BYTES (1024) --topics N (1000)
                     --report FILE (bench/target/bench-report.md) --runs-dir DIR (bench/target/runs)
                     --profile (JFR on the node during the measured window) --keep-data
                     --node-arg ARG (extra xmtpd start argument; repeatable)
                     --data-dir DIR (run the node on DIR, which is kept, instead of a fresh directory)
          publish:   --concurrency N (64) --channels N (4, gRPC only)
          query:     --preload N (1000000) --batch N (100) --preload-in-flight N (8) --channels N (2)
                     --queries N (5000) --warmup-queries N (1000) --page N (100)
                     --no-preload (query what --data-dir already holds, e.g. from an earlier --data-dir run)
          delivery:  --rate N per s (1000) --subscribers N (4) --delivery-topics N (100)
          sdk scenarios (the Java SDK; run.sh starts this JVM under taskset -c 0 with -XX:ActiveProcessorCount=1;
          each waits up to --max-load-wait S (1200) for a 1-min load average below --max-load L (1.5)):
          sdk:               sdk-crypto, then sdk-e2e
          sdk-crypto:        JMH: encode, decode, send path, invitations, their primitives, on one core
          state-root:        checkpoint cut + state root per epoch with 10 / 1,000 / 100,000 changed topics
                             over --base-topics (1,000,000); no node, in-memory events
                             --jmh-forks N (1) --jmh-warmup N (15) --jmh-iterations N (5)
                             --jmh-seconds S (2, per iteration)
                             --jmh-include REGEX (benchmark method names; all)
          sdk-e2e:           one node process moved to --node-cpus LIST (1); over gRPC then HTTP: alice sends to
                             bob, bob decrypts on streamAllMessages(); sequential and --concurrency K (32) async
                             --messages N (4000) per phase --warmup-messages N (5000, per warm-up phase) --size B (100)
                             --conversations N (20 timed newConversation calls)
          replication scenarios (real node processes peered over their replication ports; `replication` runs
          all three; datasets are generated once with the store API and cached in --datasets-dir
          (bench/target/datasets); each waits up to --max-load-wait S (600) for a 1-min load average below
          --max-load L (3; 0 = do not wait)):
          propagation:       3 nodes, full mesh; publish on node 1, a Subscribe stream on every node
                             --rate N (1000) --topics N (1000) --size B (1024) --warmup S (20) --duration S (20)
                             --straggle S (30) --anti-entropy-interval D (node default) --profile (nodes 1, 2)
          bootstrap:         nodes 1-3 hold a generated dataset, node 4 starts empty and catches up
                             --events N (1000000) --topics N (1000) --size B (1024) --timeout S (900)
                             --poll-ms N (500) --profile (node 4)
          antientropy-bytes: 2 in-sync nodes through counting proxies, bytes per anti-entropy round
                             --ae-topics N,N (10,100000; 1 event per topic) --size B (256)
                             --anti-entropy-interval D (1s) --warmup S (5) --duration S (20)
        """);
  }
}
