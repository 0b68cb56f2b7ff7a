package org.xmtpj.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.xmtpj.store.StoreStats;

/** /metrics carries the heap gauges a chaos test polls to show a node stayed within its -Xmx. */
class JvmMemoryGaugesTest {

  @Test
  void shouldExportHeapUsedWithinMaxAndPerPoolPeaks() throws IOException {
    String text = scrape(new NodeMetrics(() -> new StoreStats(0, 0, 0)));

    long used = value(text, "jvm_memory_used_bytes\\{area=\"heap\"\\}");
    long max = value(text, "jvm_memory_max_bytes\\{area=\"heap\"\\}");
    assertThat(used).as("heap used").isPositive();
    assertThat(max).as("heap max is the JVM's -Xmx").isEqualTo(Runtime.getRuntime().maxMemory());
    assertThat(used).isLessThanOrEqualTo(max);
    assertThat(value(text, "jvm_memory_committed_bytes\\{area=\"heap\"\\}")).isGreaterThanOrEqualTo(used);
    assertThat(text).contains("jvm_memory_used_bytes{area=\"nonheap\"}");
    assertThat(text).containsPattern("jvm_memory_pool_peak_used_bytes\\{pool=\"[^\"]+\"\\} [0-9.E+]+");
  }

  private static String scrape(NodeMetrics metrics) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  private static long value(String text, String sample) {
    Matcher m = Pattern.compile("(?m)^" + sample + " ([0-9.E+-]+)$").matcher(text);
    assertThat(m.find()).as("sample %s in %s", sample, text).isTrue();
    return (long) Double.parseDouble(m.group(1));
  }
}
