package org.xmtpj.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** One scenario's results: printed to stdout as they come and appended to the markdown report at the end. */
final class Section {
  private final String title;
  private final Map<String, String> parameters = new LinkedHashMap<>();
  private final List<String[]> results = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<String> appendix = new ArrayList<>();

  Section(String title) {
    this.title = title;
    System.out.println("== " + title);
  }

  Section parameter(String name, Object value) {
    parameters.put(name, String.valueOf(value));
    System.out.println("  " + name + ": " + value);
    return this;
  }

  Section result(String name, String value) {
    results.add(new String[] {name, value});
    System.out.println("  " + name + ": " + value);
    return this;
  }

  /** p50/p90/p99/p99.9/max in milliseconds and the count of a nanosecond histogram. */
  Section latency(String name, Histogram h) {
    return result(name, latencySummary(h));
  }

  static String latencySummary(Histogram h) {
    if (h.getTotalCount() == 0) {
      return "no samples";
    }
    return String.format("p50 %s, p90 %s, p99 %s, p99.9 %s, max %s ms (n = %,d)",
        ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
        ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), h.getTotalCount());
  }

  static String ms(long nanos) {
    double ms = nanos / (double) TimeUnit.MILLISECONDS.toNanos(1);
    return ms < 10 ? String.format("%.2f", ms) : String.format("%.1f", ms);
  }

  Section note(String text) {
    notes.add(text);
    System.out.println("  note: " + text);
    return this;
  }

  /** Verbatim block (e.g. profile tables) placed after the results. */
  Section appendix(String markdown) {
    appendix.add(markdown);
    System.out.println(markdown);
    return this;
  }

  void appendTo(Path report) {
    StringBuilder md = new StringBuilder();
    md.append("\n### ").append(title).append("\n\n");
    md.append("| parameter | value |\n|---|---|\n");
    parameters.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(escape(v)).append(" |\n"));
    md.append("\n| result | value |\n|---|---|\n");
    for (String[] r : results) {
      md.append("| ").append(r[0]).append(" | ").append(escape(r[1])).append(" |\n");
    }
    for (String n : notes) {
      md.append("\n- ").append(n);
    }
    if (!notes.isEmpty()) {
      md.append('\n');
    }
    for (String a : appendix) {
      md.append('\n').append(a).append('\n');
    }
    try {
      if (report.getParent() != null) {
        Files.createDirectories(report.getParent());
      }
      Files.writeString(report, md, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      System.out.println("appended to " + report.toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + report, e);
    }
  }

  private static String escape(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }
}
