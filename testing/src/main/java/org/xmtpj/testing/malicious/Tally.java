package org.xmtpj.testing.malicious;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** How each attack ended, by attack and outcome (a gRPC status code, or "ok"): the report a test prints. */
final class Tally {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  void add(String attack, String outcome) {
    counts.computeIfAbsent(attack + " " + outcome, k -> new LongAdder()).increment();
  }

  long get(String attack, String outcome) {
    LongAdder a = counts.get(attack + " " + outcome);
    return a == null ? 0 : a.sum();
  }

  Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
