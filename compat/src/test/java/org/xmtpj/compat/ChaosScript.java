package org.xmtpj.compat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code node chaos.cjs}: its JSON lines, parsed as they come. */
final class ChaosScript implements AutoCloseable {
    final Process process;
    final Path log;
    final Thread pump;
    final CountDownLatch streaming = new CountDownLatch(1);
    final CountDownLatch sendDone = new CountDownLatch(1);
    final CountDownLatch summary = new CountDownLatch(1);
    final Map<String, String> acked = new ConcurrentHashMap<>(); // id → content
    final Map<String, Long> ackedAtMs = new ConcurrentHashMap<>(); // id → when the send resolved
    final Map<String, Long> firstReceivedAtMs = new ConcurrentHashMap<>(); // id → first delivery
    final Map<String, String> failedSends = new ConcurrentHashMap<>(); // content → error
    final List<String[]> received = Collections.synchronizedList(new ArrayList<>()); // {id, content}
    final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    volatile String topic;

    private ChaosScript(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.pump = Thread.ofPlatform().name("chaos.cjs-output").daemon().start(this::pump);
    }

    static ChaosScript start(Path runDir, String aliceUrl, String bobUrl, int maxMessages, int intervalMs)
            throws IOException {
        return startLogged(runDir.resolve("chaos-js.log"), aliceUrl, bobUrl, maxMessages, intervalMs);
    }

    /** As above, with its output in {@code log}: a run with several scripts gives each its own. */
    static ChaosScript startLogged(Path log, String aliceUrl, String bobUrl, int maxMessages, int intervalMs)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder("node", "chaos.cjs")
                .directory(XmtpJs.JS_DIR.toFile())
                .redirectErrorStream(true);
        builder.environment().put("ALICE_API_URL", aliceUrl);
        builder.environment().put("BOB_API_URL", bobUrl);
        builder.environment().put("CHAOS_MESSAGES", Integer.toString(maxMessages));
        builder.environment().put("CHAOS_INTERVAL_MS", Integer.toString(intervalMs));
        return new ChaosScript(builder.start(), log);
    }

    private void pump() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (String line; (line = reader.readLine()) != null; ) {
                out.write(line);
                out.newLine();
                out.flush();
                handle(line);
            }
        } catch (IOException e) {
            errors.add("reading chaos.cjs output failed: " + e);
        } finally {
            streaming.countDown();
            sendDone.countDown();
            summary.countDown();
        }
    }

    private void handle(String line) {
        if (!line.startsWith("{")) {
            return; // console output of xmtp-js itself ("Stream connection closed. Resubscribing", …)
        }
        JsonObject e;
        try {
            e = JsonParser.parseString(line).getAsJsonObject();
        } catch (RuntimeException notJson) {
            return;
        }
        switch (e.get("event").getAsString()) {
            case "conversation" -> topic = e.get("topic").getAsString();
            case "streaming" -> streaming.countDown();
            case "sent" -> {
                ackedAtMs.put(e.get("id").getAsString(), e.get("t").getAsLong());
                acked.put(e.get("id").getAsString(), e.get("content").getAsString());
            }
            case "send-failed" -> failedSends.put(e.get("content").getAsString(), e.get("error").getAsString());
            case "recv" -> {
                firstReceivedAtMs.putIfAbsent(e.get("id").getAsString(), e.get("t").getAsLong());
                received.add(new String[] {e.get("id").getAsString(),
                        e.has("content") ? e.get("content").getAsString() : "?"});
            }
            case "send-done" -> sendDone.countDown();
            case "summary" -> summary.countDown();
            case "error" -> errors.add(e.get("where").getAsString() + ": " + e.get("error").getAsString());
            default -> { }
        }
    }

    String topic() {
        return topic;
    }

    void awaitStreaming(Duration timeout) throws InterruptedException {
        if (!streaming.await(timeout.toMillis(), TimeUnit.MILLISECONDS) || topic == null
                || !process.isAlive()) {
            throw new AssertionError("chaos.cjs did not open bob's stream within " + timeout + " (alive: "
                    + process.isAlive() + ", errors: " + errors + ")");
        }
    }

    void awaitSendDone(Duration timeout) throws InterruptedException {
        if (!sendDone.await(timeout.toMillis(), TimeUnit.MILLISECONDS) || !process.isAlive()) {
            throw new AssertionError("chaos.cjs did not finish sending within " + timeout + " (acknowledged "
                    + acked.size() + ", failed " + failedSends.size() + ", errors " + errors + ")");
        }
    }

    /** Sends one line to the script's stdin ("finish": end the sends; "stop": end the run). */
    void command(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** For every acknowledged message bob received: when it was acknowledged, and how long delivery took. */
    void deliveryDelays(java.util.function.BiConsumer<Long, Long> sink) {
        ackedAtMs.forEach((id, sentAt) -> {
            Long receivedAt = firstReceivedAtMs.get(id);
            if (receivedAt != null) {
                sink.accept(sentAt, receivedAt - sentAt);
            }
        });
    }

    /** Asks the script to print its summary and end. */
    void stop() throws Exception {
        command("stop");
        process.getOutputStream().close();
        if (!summary.await(20, TimeUnit.SECONDS) || !process.waitFor(20, TimeUnit.SECONDS)) {
            throw new AssertionError("chaos.cjs did not end after 'stop'");
        }
        pump.join(Duration.ofSeconds(5));
    }

    int exitCode() {
        return process.exitValue();
    }

    Set<String> receivedIds() {
        synchronized (received) {
            Set<String> ids = new HashSet<>();
            received.forEach(r -> ids.add(r[0]));
            return ids;
        }
    }

    List<String> receivedList() {
        synchronized (received) {
            return received.stream().map(r -> r[0]).toList();
        }
    }

    List<String> receivedContents() {
        synchronized (received) {
            return received.stream().map(r -> r[1]).toList();
        }
    }

    Set<String> attemptedContents() {
        Set<String> all = new HashSet<>(acked.values());
        all.addAll(failedSends.keySet());
        return all;
    }

    String contentOf(String id) {
        String content = acked.get(id);
        if (content != null) {
            return content;
        }
        synchronized (received) {
            return received.stream().filter(r -> r[0].equals(id)).map(r -> r[1]).findFirst().orElse(id);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            pump.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
