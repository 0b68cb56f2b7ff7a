package org.xmtpj.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Command-line options of {@link LoadBench}: {@code --name value} pairs and a few bare flags. */
final class Options {
  private static final Set<String> FLAGS = Set.of("profile", "keep-data", "help", "no-preload");

  private final Map<String, String> values = new HashMap<>();
  private final List<String> nodeArgs = new ArrayList<>();
  private final Set<String> used = new java.util.HashSet<>();

  static Options parse(List<String> args) {
    Options o = new Options();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + a);
      }
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (FLAGS.contains(name)) {
        value = "true";
      } else {
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException("--" + name + " needs a value");
        }
        value = args.get(++i);
      }
      if (name.equals("node-arg")) {
        o.nodeArgs.add(value);
      } else {
        o.values.put(name, value);
      }
    }
    return o;
  }

  int intValue(String name, int def) {
    used.add(name);
    String v = values.get(name);
    return v == null ? def : Integer.parseInt(v.replace("_", "").replace(",", ""));
  }

  double doubleValue(String name, double def) {
    used.add(name);
    String v = values.get(name);
    return v == null ? def : Double.parseDouble(v);
  }

  String string(String name, String def) {
    used.add(name);
    return values.getOrDefault(name, def);
  }

  boolean flag(String name) {
    used.add(name);
    return Boolean.parseBoolean(values.getOrDefault(name, "false"));
  }

  Path path(String name, Path def) {
    used.add(name);
    String v = values.get(name);
    return v == null ? def : Path.of(v);
  }

  /** A duration written as {@code 500ms}, {@code 2s} or {@code 5m}, as {@code xmtpd start} takes one. */
  java.time.Duration duration(String name, java.time.Duration def) {
    used.add(name);
    String v = values.get(name);
    if (v == null) {
      return def;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)").matcher(v.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("--" + name + ": " + v + " is not a duration like 500ms, 2s or 5m");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> java.time.Duration.ofMillis(n);
      case "s" -> java.time.Duration.ofSeconds(n);
      default -> java.time.Duration.ofMinutes(n);
    };
  }

  List<String> nodeArgs() {
    return List.copyOf(nodeArgs);
  }

  /** Options given on the command line that no scenario asked for (likely typos). */
  List<String> unused() {
    return values.keySet().stream().filter(k -> !used.contains(k)).sorted().toList();
  }
}
