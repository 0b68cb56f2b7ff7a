package org.xmtpj.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Optional ({@code --profile}) JFR recording of the node process during the measured window, via {@code jcmd};
 * the report gets the hottest methods (self and inclusive), the hottest xmtpj frames and CPU samples per thread.
 */
final class Profiler {
  private static final int TOP = 25;

  private final long pid;
  private final Path file;
  private final boolean enabled;
  private boolean recording;

  private Profiler(long pid, Path file, boolean enabled) {
    this.pid = pid;
    this.file = file;
    this.enabled = enabled;
  }

  static Profiler of(BenchNode node, String scenario, boolean enabled) {
    return new Profiler(node.pid(), node.dataDir().resolveSibling(node.dataDir().getFileName() + ".jfr"),
        enabled);
  }

  static Profiler disabled() {
    return new Profiler(-1, null, false);
  }

  void start(int seconds) {
    if (!enabled) {
      return;
    }
    String out = jcmd("JFR.start", "name=bench", "settings=profile", "filename=" + file);
    recording = true;
    System.out.println("  JFR started on node pid " + pid + ": " + out.strip().replace('\n', ' '));
  }

  void stopAndReport(Section s) {
    if (!enabled || !recording) {
      return;
    }
    recording = false;
    jcmd("JFR.stop", "name=bench", "filename=" + file);
    try {
      s.appendix(summarize(file));
      s.note("JFR recording of the node: " + file);
    } catch (IOException e) {
      s.note("JFR recording could not be read: " + e);
    }
  }

  private String jcmd(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    command.add(Long.toString(pid));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(60, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "jcmd failed: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  static String summarize(Path jfr) throws IOException {
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> firstOwn = new HashMap<>();
    Map<String, Integer> threads = new HashMap<>();
    Map<String, Integer> nativeTop = new HashMap<>();
    int samples = 0;
    int nativeSamples = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
      String type = e.getEventType().getName();
      boolean java = type.equals("jdk.ExecutionSample");
      if (!java && !type.equals("jdk.NativeMethodSample")) {
        continue;
      }
      RecordedStackTrace st = e.getStackTrace();
      if (st == null || st.getFrames().isEmpty()) {
        continue;
      }
      List<RecordedFrame> frames = st.getFrames();
      String thread = threadGroup(e.getThread("sampledThread"));
      if (!java) {
        nativeSamples++;
        nativeTop.merge(thread + " ← " + method(frames.get(0)), 1, Integer::sum);
        continue;
      }
      samples++;
      threads.merge(thread, 1, Integer::sum);
      self.merge(method(frames.get(0)), 1, Integer::sum);
      Set<String> seen = new HashSet<>();
      boolean ownFound = false;
      for (RecordedFrame f : frames) {
        String m = method(f);
        if (seen.add(m)) {
          inclusive.merge(m, 1, Integer::sum);
        }
        if (!ownFound && m.startsWith("org.xmtpj.")) {
          firstOwn.merge(m, 1, Integer::sum);
          ownFound = true;
        }
      }
    }
    StringBuilder md = new StringBuilder();
    md.append("Node profile (JFR, settings=profile): ").append(samples).append(" Java execution samples, ")
        .append(nativeSamples).append(" native-method samples (threads in native code: SQLite, fsync, socket waits)."
        + "\n");
    md.append(table("CPU samples by thread (digits folded)", threads, samples));
    md.append(table("hottest methods, self (top frame)", self, samples));
    md.append(table("hottest methods, inclusive (on the stack)", inclusive, samples));
    md.append(table("first org.xmtpj frame on the stack (which of our code the CPU is spent under)", firstOwn,
        samples));
    md.append(table("native-method samples: thread ← native method", nativeTop, nativeSamples));
    return md.toString();
  }

  private static String table(String title, Map<String, Integer> counts, int total) {
    StringBuilder md = new StringBuilder("\n| ").append(title).append(" | samples | % |\n|---|---:|---:|\n");
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(TOP)
        .forEach(en -> md.append("| `").append(en.getKey()).append("` | ").append(en.getValue()).append(" | ")
            .append(String.format("%.1f", 100.0 * en.getValue() / Math.max(1, total))).append(" |\n"));
    return md.toString();
  }

  private static String method(RecordedFrame f) {
    var m = f.getMethod();
    return m == null ? "?" : m.getType().getName() + "." + m.getName();
  }

  private static String threadGroup(RecordedThread t) {
    if (t == null) {
      return "?";
    }
    String name = t.getJavaName() != null ? t.getJavaName() : t.getOSName();
    if (name == null || name.isEmpty()) {
      return t.isVirtual() ? "(virtual thread)" : "?";
    }
    return name.replaceAll("\\d+", "N");
  }

  /** {@code java ... Profiler file.jfr}: prints the summary of an existing recording. */
  public static void main(String[] args) throws IOException {
    System.out.println(summarize(Path.of(args[0])));
  }
}
