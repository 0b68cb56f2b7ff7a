package org.xmtpj.compat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.xmtpj.testing.cluster.ClusterNode;
import org.xmtpj.testing.cluster.Metrics;

/**
 * Polls every node's heap gauges ({@code jvm_memory_used_bytes{area="heap"}} on {@code /metrics}) on a thread of
 * its own for the whole run, and keeps the highest reading of each node, how often it read, and whether the node
 * was ever found dead. A reading every 250 ms misses short peaks, which the per-pool peaks bound from above
 * ({@link #poolPeaks}).
 */
final class HeapWatch implements AutoCloseable {
    private static final Duration EVERY = Duration.ofMillis(250);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final List<ClusterNode> nodes;
    private final AtomicLongArray peak;
    private final AtomicLongArray readings;
    private final AtomicReferenceArray<String> died;
    private final Thread thread;
    private volatile boolean running = true;

    HeapWatch(List<ClusterNode> nodes) {
        this.nodes = List.copyOf(nodes);
        this.peak = new AtomicLongArray(nodes.size());
        this.readings = new AtomicLongArray(nodes.size());
        this.died = new AtomicReferenceArray<>(nodes.size());
        this.thread = Thread.ofPlatform().daemon().name("heap-watch").start(this::run);
    }

    private void run() {
        while (running) {
            for (int i = 0; i < nodes.size(); i++) {
                read(i);
            }
            try {
                Thread.sleep(EVERY); // the polling period of a monitor, not a wait for an outcome
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void read(int i) {
        ClusterNode node = nodes.get(i);
        if (!node.isRunning()) {
            died.compareAndSet(i, null, "found not running at " + java.time.Instant.now());
            return;
        }
        try {
            long used = (long) heap(metrics(node), "jvm_memory_used_bytes");
            peak.accumulateAndGet(i, used, Math::max);
            readings.incrementAndGet(i);
        } catch (Exception e) {
            // a scrape that times out under load is no reading; a dead node is caught by isRunning above
        }
    }

    static Metrics metrics(ClusterNode node) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(node.httpUrl() + "/metrics"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /metrics: HTTP " + r.statusCode());
        }
        return Metrics.parse(r.body());
    }

    static double heap(Metrics m, String name) {
        return m.samples().stream().filter(s -> s.name().equals(name) && s.labels().equals("area=\"heap\""))
                .mapToDouble(Metrics.Sample::value).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + name + "{area=\"heap\"} on /metrics"));
    }

    /** The sum of a node's heap pools' peaks since it started: at least its heap's true peak. */
    static long poolPeaks(ClusterNode node) throws Exception {
        return (long) metrics(node).sum("jvm_memory_pool_peak_used_bytes");
    }

    long peak(int i) {
        return peak.get(i);
    }

    long readings(int i) {
        return readings.get(i);
    }

    /** Why node {@code i} counts as dead, or null if it was running at every look. */
    String died(int i) {
        return died.get(i);
    }

    List<String> describe() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            out.add(String.format("%s: heap peak %.1f MiB over %d readings%s", nodes.get(i).name(),
                    peak(i) / 1048576.0, readings(i), died(i) == null ? "" : ", " + died(i)));
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5_000);
    }
}
