package org.xmtpj.testing.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * A node's {@code GET /metrics}, the Prometheus text format: one sample a line, {@code name{labels} value} or
 * {@code name value}, comments starting with {@code #}. Only what tests read: the sum of one metric's samples.
 */
public final class Metrics {
  /** One sample line: the metric name, its labels as written between the braces (empty for none), the value. */
  public record Sample(String name, String labels, double value) {}

  private final List<Sample> samples;

  private Metrics(List<Sample> samples) {
    this.samples = List.copyOf(samples);
  }

  /**
   * Parses the text.
   *
   * @throws IllegalArgumentException on a sample line without a value
   */
  public static Metrics parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      // the labels may hold spaces inside quoted values: the name part ends at the closing brace, if any
      int brace = line.indexOf('{');
      int close = brace < 0 ? -1 : line.lastIndexOf('}');
      int nameEnd = brace < 0 ? line.indexOf(' ') : brace;
      String rest = (close < 0 ? line.substring(nameEnd) : line.substring(close + 1)).strip();
      if (nameEnd <= 0 || rest.isEmpty()) {
        throw new IllegalArgumentException("not a Prometheus sample line: " + raw);
      }
      String labels = brace < 0 ? "" : line.substring(brace + 1, close);
      String value = rest.split(" ")[0]; // a timestamp may follow the value
      samples.add(new Sample(line.substring(0, nameEnd), labels, Double.parseDouble(value)));
    }
    return new Metrics(samples);
  }

  public List<Sample> samples() {
    return samples;
  }

  /** The sum of every sample of the metric {@code name} (all label sets); 0 when there is none. */
  public double sum(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).mapToDouble(Sample::value).sum();
  }
}
