package org.xmtpj.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtpj.testing.FaultProxy;
import org.xmtpj.testing.TestClients;
import org.xmtpj.testing.cluster.ClusterNode;
import org.xmtpj.testing.cluster.LocalCluster;
import org.xmtpj.testing.cluster.ReplicationStatus;

/**
 * Issue item 11: three real {@code xmtpd} processes (SQLite) in a full mesh, every node-to-node link through its own
 * {@link FaultProxy}, and the real npm {@code @xmtp/xmtp-js} 13.0.4 client ({@code js/chaos.cjs}) publishing on
 * node 1 (alice) while streaming on node 3 (bob). During the run node 2 is killed with SIGKILL and restarted, the
 * 1↔3 links are cut (node 3 then hears of alice's messages only through node 2), then node 3 is cut off entirely,
 * everything heals, and node 2's links go silent for a while (open but carrying nothing) and recover. Afterwards
 * every acknowledged message must be on every node, the nodes must agree (equal fingerprints and vectors, nothing
 * pending, no equivocation evidence), and bob's stream must have delivered every acknowledged message exactly once.
 *
 * <p>Everything is written to {@code target/chaos-<time>/}: node data directories and logs, the script's output and
 * a summary; a failure message carries the tails of all of them.
 */
class ChaosReplicationIT {
    private static final int NODES = 3;
    /** At most this many messages; the driver ends the sends {@link #SEND_AFTER_HEAL} after the last heal. */
    private static final int MAX_MESSAGES = Integer.getInteger("xmtpj.chaos.messages", 400);
    private static final int INTERVAL_MS = Integer.getInteger("xmtpj.chaos.intervalMs", 150);
    /** Fewer acknowledged messages than this means the run did not exercise much: fail. */
    private static final int MIN_MESSAGES = 150;
    private static final Duration ANTI_ENTROPY = Duration.ofSeconds(2);
    private static final Duration LINK_LATENCY = Duration.ofMillis(2);

    /** How long each of the cluster's conditions waits: the nodes bootstrapped, two more anti-entropy rounds. */
    private static final Duration CLUSTER_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SCRIPT_SETUP_TIMEOUT = Duration.ofSeconds(90);
    /** After the last send was due: the sends themselves may be slow on a loaded machine. */
    private static final Duration SEND_DONE_GRACE = Duration.ofSeconds(60);
    private static final Duration CONVERGENCE_TIMEOUT = Duration.ofSeconds(60);
    private static final int LOG_TAIL_LINES = 60;

    // The fault schedule, in seconds after bob's stream is open and alice starts sending. A step never starts before
    // the previous one is over (a restart may take long on a loaded machine), and each fault lasts as long as given,
    // so a slow machine shifts the schedule but keeps every fault window (alice sends until SEND_AFTER_HEAL after the
    // last heal, at most MAX_MESSAGES). On an idle 2-core machine: ≈ 55 s of sends, ≈ 360 messages.
    private static final Duration KILL_NODE2_AT = Duration.ofSeconds(4);
    private static final Duration RESTART_NODE2_AT = Duration.ofSeconds(7);
    private static final Duration CUT_1_3_AT = Duration.ofSeconds(14);
    private static final Duration CUT_1_3_AFTER_RESTART = Duration.ofSeconds(2);
    private static final Duration CUT_1_3_FOR = Duration.ofSeconds(10);
    private static final Duration ISOLATE_NODE3_AFTER = Duration.ofSeconds(3);
    /** {@code -Dxmtpj.chaos.isolateSeconds=40} shows how recovery after a long partition behaves. */
    private static final Duration ISOLATE_NODE3_FOR =
            Duration.ofSeconds(Integer.getInteger("xmtpj.chaos.isolateSeconds", 8));
    private static final Duration STALL_NODE2_AFTER = Duration.ofSeconds(2);
    private static final Duration STALL_NODE2_FOR = Duration.ofSeconds(6);
    private static final Duration SEND_AFTER_HEAL = Duration.ofSeconds(8);

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private final List<String> timeline = Collections.synchronizedList(new ArrayList<>());
    private long t0Nanos = System.nanoTime();

    @BeforeAll
    static void installXmtpJs() throws Exception {
        XmtpJs.ensureInstalled();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void shouldDeliverEveryAcknowledgedMessageExactlyOnceThroughKillsAndPartitions() throws Exception {
        Path runDir = Files.createDirectories(XmtpJs.TARGET_DIR.resolve("chaos-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now())));
        LocalCluster net = null;
        ChaosScript script = null;
        try {
            net = startCluster(runDir);
            note("nodes up and bootstrapped: " + net.describe());
            script = ChaosScript.start(runDir, net.node(0).httpUrl(), net.node(2).httpUrl(), MAX_MESSAGES,
                    INTERVAL_MS);
            script.awaitStreaming(SCRIPT_SETUP_TIMEOUT);
            t0Nanos = System.nanoTime();
            note("bob's stream is open on node 3; alice sends a message every " + INTERVAL_MS + " ms on node 1");

            ChaosFigures figures = runFaultSchedule(net, script);

            script.awaitSendDone(Duration.ofMillis((long) MAX_MESSAGES * INTERVAL_MS).plus(SEND_DONE_GRACE));
            long sendDoneNanos = System.nanoTime();
            note("sends done: " + script.acked.size() + " acknowledged, " + script.failedSends.size() + " failed");

            Convergence convergence = awaitConvergence(net, script);
            figures.convergedAfterLastSendMs = (System.nanoTime() - sendDoneNanos) / 1_000_000;
            note("converged " + figures.convergedAfterLastSendMs + " ms after the last send: " + convergence);
            // late duplicates would come from anti-entropy: every node runs two more rounds before bob's stream is
            // checked for them
            net.awaitSyncRounds(2);
            script.stop();

            verify(net, script, convergence, figures);
            String report = figures.report(script, convergence.toString());
            System.out.println(report);
            Files.writeString(runDir.resolve("summary.txt"), report + "\n" + String.join("\n", timeline) + "\n");
        } catch (Throwable t) {
            String diagnostics = diagnostics(net, script);
            Files.writeString(runDir.resolve("failure.txt"), t + "\n" + diagnostics);
            AssertionError error = new AssertionError(t.getMessage() + "\n" + diagnostics, t);
            throw error;
        } finally {
            if (script != null) {
                script.close();
            }
            if (net != null) {
                net.close();
            }
        }
    }

    /**
     * Three node processes in a full mesh; node i reaches node j only through {@code net.link(i, j)}, each link with
     * a little latency so that pushes and pulls interleave as on a network. Returns once every node is bootstrapped.
     */
    private static LocalCluster startCluster(Path runDir) {
        return LocalCluster.builder(LocalCluster.Mode.PROCESS, runDir).nodes(NODES).antiEntropyInterval(ANTI_ENTROPY)
                .faultProxies(LINK_LATENCY).awaitTimeout(CLUSTER_TIMEOUT).start();
    }

    // ------------------------------------------------------------------------------------------ fault schedule

    /**
     * The sleeps here are the fault schedule itself (how long a link stays cut, when the next fault starts), not
     * waits for an outcome: every outcome is checked afterwards by waiting for convergence.
     */
    private ChaosFigures runFaultSchedule(LocalCluster net, ChaosScript script) throws Exception {
        ChaosFigures f = new ChaosFigures();
        sleepUntil(KILL_NODE2_AT);
        net.node(1).kill();
        note("node 2 killed (SIGKILL)");
        sleepUntil(RESTART_NODE2_AT);
        long restart = System.nanoTime();
        net.node(1).restart();
        long node2Ready = System.nanoTime();
        f.node2RestartMs = (node2Ready - restart) / 1_000_000;
        note("node 2 restarted (healthy after " + f.node2RestartMs + " ms)");

        sleepUntil(CUT_1_3_AT);
        Thread.sleep(Math.max(0, (node2Ready + CUT_1_3_AFTER_RESTART.toNanos() - System.nanoTime()) / 1_000_000));
        net.link(0, 2).cut();
        net.link(2, 0).cut();
        f.cut13FromMs = System.currentTimeMillis();
        int receivedBefore = script.received.size();
        note("links 1→3 and 3→1 cut: node 3 hears of node 1 only through node 2");
        Thread.sleep(CUT_1_3_FOR.toMillis());
        f.receivedWhile13Cut = script.received.size() - receivedBefore;
        net.link(0, 2).heal();
        net.link(2, 0).heal();
        f.cut13ToMs = System.currentTimeMillis();
        note("links 1↔3 healed; bob received " + f.receivedWhile13Cut + " messages meanwhile");

        Thread.sleep(ISOLATE_NODE3_AFTER.toMillis());
        for (int i = 0; i < 2; i++) {
            net.link(i, 2).cut();
            net.link(2, i).cut();
        }
        int receivedBeforeIsolation = script.received.size();
        note("node 3 isolated: every link to and from it cut");
        Thread.sleep(ISOLATE_NODE3_FOR.toMillis());
        f.receivedWhileNode3Isolated = script.received.size() - receivedBeforeIsolation;
        Set<String> ackedBeforeHeal = Set.copyOf(script.acked.keySet());
        for (FaultProxy p : net.links()) {
            p.heal();
        }
        long healNanos = System.nanoTime();
        f.isolationHealedAtMs = System.currentTimeMillis();
        note("all links healed; bob received " + f.receivedWhileNode3Isolated + " messages while node 3 was"
                + " isolated, " + ackedBeforeHeal.size() + " acknowledged so far");
        // how long node 3 (and bob's stream) takes to get what it missed while isolated
        await(Duration.ofSeconds(60), () -> script.receivedIds().containsAll(ackedBeforeHeal));
        f.node3CaughtUpAfterHealMs = (System.nanoTime() - healNanos) / 1_000_000;
        note("bob has every message acknowledged before the heal, " + f.node3CaughtUpAfterHealMs
                + " ms after it");

        // a silent partition: node 2's links stay open but carry nothing (calls time out or hang), then deliver
        Thread.sleep(STALL_NODE2_AFTER.toMillis());
        for (int i : new int[] {0, 2}) {
            net.link(i, 1).stall();
            net.link(1, i).stall();
        }
        note("node 2's links stalled (open, silent)");
        Thread.sleep(STALL_NODE2_FOR.toMillis());
        for (FaultProxy p : net.links()) {
            p.heal();
        }
        long lastHeal = System.nanoTime();
        note("node 2's links flow again");
        long sendUntil = lastHeal + SEND_AFTER_HEAL.toNanos();
        Thread.sleep(Math.max(0, (sendUntil - System.nanoTime()) / 1_000_000));
        script.command("finish");
        return f;
    }

    // ------------------------------------------------------------------------------------------ convergence

    /** What the nodes reported once they agreed. */
    private record Convergence(String fingerprint, Map<String, ReplicationStatus.Progress> vector, long events, List<Set<String>> topicIds,
            List<Integer> topicEnvelopes) {
        @Override
        public String toString() {
            return "fingerprint " + fingerprint.substring(0, Math.min(16, fingerprint.length())) + "…, " + events
                    + " events, " + vector.size() + " origins, conversation topic " + topicEnvelopes
                    + " envelopes per node";
        }
    }

    private Convergence awaitConvergence(LocalCluster net, ChaosScript script) {
        AtomicReference<String> last = new AtomicReference<>("not checked");
        AtomicReference<Convergence> done = new AtomicReference<>();
        TestClients reader = TestClients.newIdentity(HTTP);
        try {
            Awaitility.await().atMost(CONVERGENCE_TIMEOUT).pollInterval(Duration.ofMillis(500))
                    .until(() -> converged(net, script, reader, last, done));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the nodes did not converge within " + CONVERGENCE_TIMEOUT + ": " + last.get());
        }
        return done.get();
    }

    /** One look at every node: true (and {@code done} set) once they agree and hold everything acknowledged. */
    private boolean converged(LocalCluster net, ChaosScript script, TestClients reader, AtomicReference<String> last,
            AtomicReference<Convergence> done) throws Exception {
        List<ReplicationStatus> status = new ArrayList<>();
        for (int i = 0; i < net.size(); i++) {
            status.add(net.status(i));
        }
        Set<String> fingerprints = new HashSet<>();
        Set<Map<String, ReplicationStatus.Progress>> vectors = new HashSet<>();
        long pending = 0;
        for (ReplicationStatus s : status) {
            fingerprints.add(s.fingerprint());
            vectors.add(s.vector());
            pending += s.pending() + s.inFlight();
        }
        List<Set<String>> topicIds = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (ClusterNode node : net.nodes()) {
            List<Envelope> envelopes = reader.queryAll(node.httpUrl(), script.topic());
            counts.add(envelopes.size());
            Set<String> ids = new HashSet<>();
            envelopes.forEach(e -> ids.add(messageId(e)));
            topicIds.add(ids);
        }
        Set<String> acked = script.acked.keySet();
        boolean allOnEveryNode = topicIds.stream().allMatch(ids -> ids.containsAll(acked));
        boolean bobHasAll = script.receivedIds().containsAll(acked);
        if (fingerprints.size() == 1 && vectors.size() == 1 && pending == 0 && allOnEveryNode && bobHasAll) {
            ReplicationStatus s = status.get(0);
            done.set(new Convergence(s.fingerprint(), s.vector(), s.events(), topicIds, counts));
            return true;
        }
        last.set("fingerprints " + fingerprints.size() + " distinct, vectors " + vectors.size()
                + " distinct, pending+inFlight " + pending + ", acknowledged missing per node "
                + topicIds.stream().map(ids -> missing(acked, ids)).toList() + ", missing from bob's stream "
                + missing(acked, script.receivedIds()) + "; status " + status);
        return false;
    }

    private static int missing(Set<String> expected, Set<String> actual) {
        int n = 0;
        for (String id : expected) {
            if (!actual.contains(id)) {
                n++;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------ verification

    private void verify(LocalCluster net, ChaosScript script, Convergence c, ChaosFigures f) throws Exception {
        assertThat(script.errors).as("errors reported by chaos.cjs").isEmpty();
        assertThat(script.exitCode()).as("chaos.cjs exit code").isZero();
        // node 1 never goes down and is never gated: every send must be acknowledged
        assertThat(script.failedSends).as("sends that failed on node 1").isEmpty();
        assertThat(script.acked.size()).as("acknowledged sends").isGreaterThanOrEqualTo(MIN_MESSAGES);

        Set<String> acked = script.acked.keySet();
        for (int i = 0; i < NODES; i++) {
            assertThat(c.topicIds().get(i)).as("conversation envelopes on node %d", i + 1).containsAll(acked);
            assertThat(c.topicEnvelopes().get(i)).as("no envelope twice on node %d", i + 1)
                    .isEqualTo(c.topicIds().get(i).size());
            assertThat(c.topicIds().get(i)).as("node %d holds the same conversation as node 1", i + 1)
                    .isEqualTo(c.topicIds().get(0));
        }

        // bob's stream on node 3: every acknowledged message exactly once, nothing that was never sent
        Map<String, Integer> deliveries = new HashMap<>();
        for (String id : script.receivedList()) {
            deliveries.merge(id, 1, Integer::sum);
        }
        Map<String, Integer> duplicates = new LinkedHashMap<>();
        deliveries.forEach((id, n) -> {
            if (n > 1) {
                duplicates.put(script.contentOf(id), n);
            }
        });
        assertThat(duplicates).as("messages bob's stream delivered more than once (content → times)").isEmpty();
        assertThat(missingContents(script, acked, deliveries.keySet()))
                .as("acknowledged messages bob's stream never delivered").isEmpty();
        Set<String> sentContents = new HashSet<>(script.attemptedContents());
        assertThat(script.receivedContents()).as("bob received only what alice sent").allMatch(sentContents::contains);
        assertThat(f.receivedWhile13Cut).as("messages bob received while 1↔3 was cut (relayed by node 2)")
                .isPositive();

        for (int i = 0; i < net.size(); i++) {
            ClusterNode node = net.node(i);
            JsonObject evidence = JsonParser.parseString(get(node.httpUrl() + "/debug/evidence")).getAsJsonObject();
            assertThat(evidence.getAsJsonArray("equivocations")).as("equivocation evidence on %s", node.httpUrl())
                    .isEmpty();
            assertThat(net.status(i).bootstrapped()).as("%s bootstrapped", node.name()).isTrue();
        }
    }

    private static Set<String> missingContents(ChaosScript script, Set<String> expected, Set<String> actual) {
        Set<String> out = new TreeSet<>();
        for (String id : expected) {
            if (!actual.contains(id)) {
                out.add(script.contentOf(id));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------ helpers

    private void sleepUntil(Duration afterT0) throws InterruptedException {
        long wait = t0Nanos + afterT0.toNanos() - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }

    private void note(String what) {
        String line = String.format("[chaos +%6.1fs] %s", (System.nanoTime() - t0Nanos) / 1e9, what);
        timeline.add(line);
        System.out.println(line);
    }

    private static void await(Duration timeout, BooleanSupplier condition) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(condition::getAsBoolean);
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + url + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** xmtp-js's message id: hex SHA-256 of the envelope's message bytes. */
    private static String messageId(Envelope e) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(e.getMessage().toByteArray()));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private String diagnostics(LocalCluster net, ChaosScript script) {
        StringBuilder sb = new StringBuilder("\n--- timeline ---\n").append(String.join("\n", timeline));
        if (net != null) {
            sb.append("\n--- links ---");
            for (FaultProxy p : net.links()) {
                sb.append('\n').append(p);
            }
            for (int i = 0; i < NODES; i++) {
                ClusterNode node = net.node(i);
                Path log = node.logFile().orElseThrow();
                String status;
                try {
                    status = node.isRunning() ? get(node.httpUrl() + "/debug/replication") : "(not running)";
                } catch (Exception e) {
                    status = "(status unavailable: " + e + ")";
                }
                sb.append("\n--- node ").append(i + 1).append(' ').append(status).append("\n--- node ").append(i + 1)
                        .append(" log tail (").append(log).append(") ---\n")
                        .append(XmtpJs.tail(log, LOG_TAIL_LINES));
            }
        }
        if (script != null) {
            sb.append("\n--- chaos.cjs output tail (").append(script.log).append(") ---\n")
                    .append(XmtpJs.tail(script.log, LOG_TAIL_LINES));
        }
        return sb.toString();
    }
}
