package org.xmtpj.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtpj.testing.TestClients;
import org.xmtpj.testing.cluster.LocalCluster;
import org.xmtpj.testing.malicious.MaliciousNode;

/**
 * Issue 13's acceptance chaos run: three honest {@code xmtpd} processes at {@code -Xmx512m} (dying on an
 * OutOfMemoryError) and a {@link MaliciousNode} that all three pin as a peer. While it floods them, lies to them,
 * equivocates and replays handshakes (for its first 20 s only floods and reads whole pages, which earn no ban,
 * so the load lands), two pairs of xmtp-js 13.0.4 users ({@code js/chaos.cjs}) publish on node 1
 * and node 3 for about a minute. Afterwards: every acknowledged message is on every honest node, every honest node
 * banned the liar and recorded its equivocation, no replayed handshake opened a session, no node died, and each
 * node's heap stayed below 512 MiB at every reading of its gauges.
 */
// Off by default until it has run green 10 times on this machine kind (3 of 3 so far, one honest node's used heap
// peaked at 500.8 of 512 MiB in run 3): -Dxmtpj.chaos.malicious=true runs it
@EnabledIfSystemProperty(named = "xmtpj.chaos.malicious", matches = "true")
class MaliciousNodeChaosIT {
    private static final int NODES = 3;
    private static final long HEAP_LIMIT = 512L * 1024 * 1024;
    private static final int MESSAGES = Integer.getInteger("xmtpj.chaos.messages", 400);
    private static final int INTERVAL_MS = 150; // 400 messages: 60 s of sends
    private static final int MIN_ACKED = 100; // per script: fewer means the run exercised little
    private static final Duration SETUP = Duration.ofSeconds(90);
    /** Of the 60 s of sends: valid floods and whole-page reads alone, before the lies get the liar banned. */
    private static final Duration HEAVY_FIRST = Duration.ofSeconds(20);
    private static final Duration CONVERGENCE = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void installXmtpJs() throws Exception {
        XmtpJs.ensureInstalled();
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void shouldKeepEveryAcknowledgedMessageAndTheHeapWhileOneOfFourNodesAttacks() throws Exception {
        Path runDir = Files.createDirectories(XmtpJs.TARGET_DIR.resolve("malicious-chaos-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now())));
        long t0 = System.nanoTime();
        try (LocalCluster net = LocalCluster.builder(LocalCluster.Mode.PROCESS, runDir).nodes(NODES)
                .jvmArgs(List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError")).antiEntropyInterval(Duration.ofSeconds(2))
                .awaitTimeout(Duration.ofSeconds(90)).start();
                MaliciousNode liar = MaliciousNode.start();
                HeapWatch heap = new HeapWatch(net.nodes())) {
            admit(net, liar);
            List<MaliciousNode.Target> targets = new ArrayList<>();
            net.nodes().forEach(n -> targets.add(new MaliciousNode.Target(n.nodeKey(), n.replicationPort())));
            List<ChaosScript> scripts = List.of(
                    ChaosScript.startLogged(runDir.resolve("chaos-js-1.log"), net.node(0).httpUrl(), net.node(1).httpUrl(),
                            MESSAGES, INTERVAL_MS),
                    ChaosScript.startLogged(runDir.resolve("chaos-js-2.log"), net.node(2).httpUrl(), net.node(0).httpUrl(),
                            MESSAGES, INTERVAL_MS));
            try {
                for (ChaosScript s : scripts) {
                    s.awaitStreaming(SETUP);
                }
                // while the users send: first load only (no ban stops it), then every attack
                liar.attack(targets, HEAVY_FIRST);
                for (ChaosScript s : scripts) {
                    s.awaitSendDone(Duration.ofMillis((long) MESSAGES * INTERVAL_MS).plus(SETUP));
                }
                long sendsDone = System.nanoTime();
                awaitEverywhere(net, scripts);
                String figures = String.format("sends done %.1f s after start, every acknowledged message on every"
                        + " honest node %.1f s after that", (sendsDone - t0) / 1e9, (System.nanoTime() - sendsDone) / 1e9);
                verify(net, liar, heap, scripts);
                report(runDir, figures, net, liar, heap, scripts);
            } finally {
                scripts.forEach(ChaosScript::close);
            }
        }
    }

    /** Every honest node pins the liar beside the others, and waits until each counts three peers. */
    private static void admit(LocalCluster net, MaliciousNode liar) {
        for (int i = 0; i < NODES; i++) {
            List<String> peers = new ArrayList<>();
            for (int j = 0; j < NODES; j++) {
                if (j != i) {
                    peers.add(net.peerSpec(j));
                }
            }
            peers.add(liar.peerSpec());
            net.setPeers(i, peers);
        }
        net.awaitStatus("every honest node knows 2 honest peers and the liar",
                all -> all.stream().allMatch(s -> s.peers() == NODES));
    }

    private static void awaitEverywhere(LocalCluster net, List<ChaosScript> scripts) {
        TestClients reader = TestClients.newIdentity(HTTP);
        AtomicReference<String> last = new AtomicReference<>("not checked");
        try {
            Awaitility.await().atMost(CONVERGENCE).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> missing(net, scripts, reader, last) == 0);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("acknowledged messages missing after " + CONVERGENCE + ": " + last.get(), e);
        }
    }

    /** How many (node, acknowledged message) pairs are still missing; {@code last} says where. */
    private static int missing(LocalCluster net, List<ChaosScript> scripts, TestClients reader,
            AtomicReference<String> last) throws Exception {
        int missing = 0;
        List<String> where = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            for (ChaosScript s : scripts) {
                Set<String> ids = new HashSet<>();
                for (Envelope e : reader.queryAll(net.node(i).httpUrl(), s.topic())) {
                    ids.add(messageId(e));
                }
                long m = s.acked.keySet().stream().filter(id -> !ids.contains(id)).count();
                missing += (int) m;
                where.add("node" + (i + 1) + "/" + s.topic().substring(0, Math.min(24, s.topic().length())) + ": " + m);
            }
        }
        last.set(String.join(", ", where));
        return missing;
    }

    private static void verify(LocalCluster net, MaliciousNode liar, HeapWatch heap, List<ChaosScript> scripts)
            throws Exception {
        for (ChaosScript s : scripts) {
            assertThat(s.acked.size()).as("acknowledged sends of %s", s.log).isGreaterThanOrEqualTo(MIN_ACKED);
        }
        assertThat(liar.replaysAccepted()).as("replayed or forged handshakes a node accepted: %s", liar.report())
                .isZero();
        assertThat(liar.count("flood valid_500x256B", "ok")).as("valid floods delivered").isPositive();
        assertThat(liar.count("equivocate", "ok")).as("equivocating pushes delivered").isPositive();
        String liarLabel = "peer=\"" + liar.key().substring(0, 16) + "\"";
        for (int i = 0; i < NODES; i++) {
            var node = net.node(i);
            assertThat(heap.died(i)).as("%s died during the run", node.name()).isNull();
            assertThat(node.isRunning()).as("%s running", node.name()).isTrue();
            assertThat(heap.readings(i)).as("heap readings of %s", node.name()).isGreaterThan(20);
            assertThat(heap.peak(i)).as("heap peak of %s", node.name()).isLessThan(HEAP_LIMIT);
            double bans = HeapWatch.metrics(node).samples().stream().filter(s -> s.name()
                    .equals("xmtpd_replication_peer_bans_total") || s.name().equals("xmtpd_replication_peer_bans"))
                    .filter(s -> s.labels().contains(liarLabel)).mapToDouble(s -> s.value()).sum();
            assertThat(bans).as("bans of the liar on %s", node.name()).isPositive();
            assertThat(get(node.httpUrl() + "/debug/evidence")).as("equivocation evidence on %s", node.name())
                    .contains("\"origin\":\"" + liar.key() + "\"");
        }
    }

    private static void report(Path runDir, String figures, LocalCluster net, MaliciousNode liar, HeapWatch heap,
            List<ChaosScript> scripts) throws Exception {
        StringBuilder sb = new StringBuilder("malicious-node chaos run: ").append(figures).append('\n');
        for (ChaosScript s : scripts) {
            sb.append(s.log.getFileName()).append(": ").append(s.acked.size()).append(" acknowledged, ")
                    .append(s.failedSends.size()).append(" failed\n");
        }
        for (int i = 0; i < NODES; i++) {
            sb.append(heap.describe().get(i)).append(String.format(", pool peaks sum %.1f MiB, %s%n",
                    HeapWatch.poolPeaks(net.node(i)) / 1048576.0, net.status(i).brief()));
        }
        liar.report().forEach((k, v) -> sb.append("  ").append(k).append(": ").append(v).append('\n'));
        System.out.println(sb);
        Files.writeString(runDir.resolve("summary.txt"), sb);
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s", url).isEqualTo(200);
        return r.body();
    }

    /** xmtp-js's message id: hex SHA-256 of the envelope's message bytes. */
    private static String messageId(Envelope e) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(e.getMessage().toByteArray()));
    }
}
