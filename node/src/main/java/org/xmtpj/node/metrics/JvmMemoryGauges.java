package org.xmtpj.node.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * The JVM's memory, read when {@code /metrics} is scraped: used, committed and max bytes of the heap and of
 * non-heap memory ({@code area} label, as the Prometheus JVM instrumentation names them), and each heap pool's
 * peak since start. The peaks are per pool because the pools peak at different times: their sum bounds the heap's
 * peak from above, and a test that must show a node stayed within its heap polls {@code used} during the run.
 */
final class JvmMemoryGauges {
  private JvmMemoryGauges() {}

  static void register(PrometheusRegistry registry) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    area(registry, "jvm_memory_used_bytes", "used bytes of a JVM memory area", memory, MemoryUsage::getUsed);
    area(registry, "jvm_memory_committed_bytes", "committed bytes of a JVM memory area", memory,
        MemoryUsage::getCommitted);
    // -1 (no limit) for non-heap without -XX:MaxMetaspaceSize: exported as is, like the JVM reports it
    area(registry, "jvm_memory_max_bytes", "max bytes of a JVM memory area (-1: unbounded)", memory,
        MemoryUsage::getMax);
    List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP && p.isValid()).toList();
    GaugeWithCallback.builder().name("jvm_memory_pool_peak_used_bytes")
        .help("peak used bytes of a heap pool since the JVM started").labelNames("pool")
        .callback(cb -> heapPools.forEach(p -> cb.call(p.getPeakUsage().getUsed(), p.getName())))
        .register(registry);
  }

  private interface Field {
    long of(MemoryUsage usage);
  }

  private static void area(PrometheusRegistry registry, String name, String help, MemoryMXBean memory, Field f) {
    GaugeWithCallback.builder().name(name).help(help).labelNames("area")
        .callback(cb -> {
          cb.call(f.of(memory.getHeapMemoryUsage()), "heap");
          cb.call(f.of(memory.getNonHeapMemoryUsage()), "nonheap");
        })
        .register(registry);
  }
}
