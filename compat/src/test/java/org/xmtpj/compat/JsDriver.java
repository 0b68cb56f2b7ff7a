package org.xmtpj.compat;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The raw protocol of {@code node js/interop.cjs} (described at the top of that file): JSON command lines on stdin,
 * replies matched to their command by id (several may be in flight), stream events kept per stream until a test
 * takes them. {@link JsClient} puts typed methods on top. The driver's stderr goes to
 * {@code target/js-driver/<name>-<n>.stderr.log}, every protocol line in both directions to {@code ….protocol.log},
 * and failure messages carry the stderr tail.
 */
final class JsDriver implements AutoCloseable {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int TAIL_LINES = 40;
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Gson GSON = new Gson();

    /** The driver answered {@code ok:false}: the op failed, the driver is still running. */
    static final class DriverError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String op;
        final String jsError;

        DriverError(String op, String jsError, String context) {
            super("xmtp-js op '" + op + "' failed: " + jsError + context);
            this.op = op;
            this.jsError = jsError;
        }
    }

    private record Pending(String op, CompletableFuture<JsonElement> reply) {}

    private final String name;
    private final Process process;
    private final Path stderrLog;
    private final BufferedWriter protocolLog;
    private final Thread reader;
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, StreamEvents> streams = new ConcurrentHashMap<>();
    /** stdout lines that were no protocol line: the driver promises there are none. */
    private final List<String> strayOutput = Collections.synchronizedList(new ArrayList<>());
    private volatile String exitReason;

    private JsDriver(String name, Process process, Path stderrLog, BufferedWriter protocolLog) {
        this.name = name;
        this.process = process;
        this.stderrLog = stderrLog;
        this.protocolLog = protocolLog;
        this.reader = Thread.ofPlatform().name("js-driver-" + name).daemon().start(this::readStdout);
    }

    /** Starts {@code node interop.cjs}; {@code name} (alice, bob, …) names the log files and failure messages. */
    static JsDriver start(String name) throws IOException, InterruptedException {
        XmtpJs.ensureInstalled();
        Path logDir = Files.createDirectories(XmtpJs.TARGET_DIR.resolve("js-driver"));
        String base = name + "-" + INSTANCES.incrementAndGet();
        Path stderrLog = logDir.resolve(base + ".stderr.log");
        Process process = new ProcessBuilder("node", "interop.cjs")
                .directory(XmtpJs.JS_DIR.toFile())
                .redirectError(stderrLog.toFile())
                .start();
        BufferedWriter protocolLog = Files.newBufferedWriter(logDir.resolve(base + ".protocol.log"));
        return new JsDriver(name, process, stderrLog, protocolLog);
    }

    /** Sends one command and waits for its reply's result; a failed op throws {@link DriverError}. */
    JsonElement call(String op, Map<String, ?> args, Duration timeout) {
        CompletableFuture<JsonElement> reply = callAsync(op, args);
        try {
            return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(name + ": xmtp-js op '" + op + "' did not reply within " + timeout + context());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DriverError error) {
                throw new DriverError(op, error.jsError, context());
            }
            throw new AssertionError(name + ": xmtp-js op '" + op + "': " + e.getCause().getMessage() + context(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for op '" + op + "'", e);
        }
    }

    /** Sends one command; the future completes with the result, or with {@link DriverError} if the op failed. */
    CompletableFuture<JsonElement> callAsync(String op, Map<String, ?> args) {
        long id = nextId.getAndIncrement();
        Pending p = new Pending(op, new CompletableFuture<>());
        pending.put(id, p);
        JsonObject command = GSON.toJsonTree(args).getAsJsonObject();
        command.addProperty("id", id);
        command.addProperty("op", op);
        String line = command.toString();
        try {
            synchronized (process) {
                if (exitReason != null) {
                    throw new IOException(exitReason);
                }
                OutputStream in = process.getOutputStream();
                in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
            }
            logProtocol("> " + line);
        } catch (IOException e) {
            pending.remove(id);
            p.reply().completeExceptionally(new IOException("cannot write to the driver: " + e.getMessage(), e));
        }
        return p.reply();
    }

    /**
     * Takes the first event of the stream that {@code accept} accepts, waiting for it at most {@code timeout}; the
     * events it skips stay for later calls. The predicate sees the whole line: {@code {event, stream, data}}.
     */
    JsonObject awaitEvent(String streamId, Predicate<JsonObject> accept, Duration timeout) {
        StreamEvents events = events(streamId);
        JsonObject event = events.take(accept, timeout);
        if (event == null) {
            throw new AssertionError(name + ": no accepted event on stream " + streamId + " within " + timeout
                    + "; all events of that stream: " + events.all() + context());
        }
        return event;
    }

    /** Every event the stream delivered so far, taken or not. */
    List<JsonObject> allEvents(String streamId) {
        return events(streamId).all();
    }

    List<String> strayOutput() {
        synchronized (strayOutput) {
            return List.copyOf(strayOutput);
        }
    }

    Path stderrLog() {
        return stderrLog;
    }

    private void readStdout() {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                logProtocol("< " + line);
                dispatch(line);
            }
        } catch (IOException e) {
            strayOutput.add("(reading stdout failed: " + e + ")");
        } finally {
            driverGone();
        }
    }

    private void dispatch(String line) {
        JsonObject message;
        try {
            message = JsonParser.parseString(line).getAsJsonObject();
        } catch (RuntimeException notJson) {
            strayOutput.add(line);
            return;
        }
        if (message.has("event") && message.has("stream")) {
            events(message.get("stream").getAsString()).add(message);
        } else if (message.has("id") && message.has("ok") && !message.get("id").isJsonNull()) {
            Pending p = pending.remove(message.get("id").getAsLong());
            if (p == null) {
                strayOutput.add("(reply to no pending command) " + line);
            } else if (message.get("ok").getAsBoolean()) {
                p.reply().complete(message.get("result"));
            } else {
                p.reply().completeExceptionally(new DriverError(p.op(), message.get("error").getAsString(), ""));
            }
        } else {
            strayOutput.add(line);
        }
    }

    /** stdout ended: the process is exiting. Every waiting caller learns why now instead of at its timeout. */
    private void driverGone() {
        String reason;
        try {
            reason = process.waitFor(2, TimeUnit.SECONDS) ? "the driver exited with code " + process.exitValue()
                    : "the driver closed its stdout";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reason = "the driver's stdout ended";
        }
        exitReason = reason;
        for (Long id : List.copyOf(pending.keySet())) {
            Pending p = pending.remove(id);
            if (p != null) {
                p.reply().completeExceptionally(new IOException(reason + " before replying"));
            }
        }
        synchronized (protocolLog) {
            try {
                protocolLog.close();
            } catch (IOException ignored) {
                // only the transcript is affected
            }
        }
    }

    private void logProtocol(String line) {
        synchronized (protocolLog) {
            try {
                protocolLog.write(line);
                protocolLog.newLine();
                protocolLog.flush();
            } catch (IOException ignored) {
                // the transcript is for humans (and is closed once the driver is gone); no test depends on it
            }
        }
    }

    private String context() {
        return "\n--- " + name + " driver stderr tail (" + stderrLog + ") ---\n" + XmtpJs.tail(stderrLog, TAIL_LINES)
                + (exitReason == null ? "" : "\n(" + exitReason + ")");
    }

    private StreamEvents events(String streamId) {
        return streams.computeIfAbsent(streamId, id -> new StreamEvents());
    }

    /** Asks the driver to close its streams and exit; kills it if it does not within 10 s. */
    @Override
    public void close() {
        if (process.isAlive() && exitReason == null) {
            try {
                call("shutdown", Map.of(), STOP_TIMEOUT);
            } catch (RuntimeException | AssertionError e) {
                System.err.println(name + ": shutdown failed: " + e.getMessage());
            }
        }
        try {
            process.getOutputStream().close();
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            reader.join(STOP_TIMEOUT);
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /**
     * One stream's events. Not a plain BlockingQueue: a test waits for an event that matches, and the events it
     * skips on the way must stay available to the next wait (a stream delivers in network order, not test order).
     */
    private static final class StreamEvents {
        private final List<JsonObject> untaken = new ArrayList<>();
        private final List<JsonObject> all = new ArrayList<>();

        synchronized void add(JsonObject event) {
            untaken.add(event);
            all.add(event);
            notifyAll();
        }

        synchronized JsonObject take(Predicate<JsonObject> accept, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                // rescan from the start: another waiter may have taken an event meanwhile
                for (int i = 0; i < untaken.size(); i++) {
                    if (accept.test(untaken.get(i))) {
                        return untaken.remove(i);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }

        synchronized List<JsonObject> all() {
            return List.copyOf(all);
        }
    }
}
