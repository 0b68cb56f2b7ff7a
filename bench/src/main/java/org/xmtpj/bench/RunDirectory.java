package org.xmtpj.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The directory of one scenario run, {@code runs/<scenario>-<stamp>}: the scenario's clusters live in it, and when
 * it closes their data goes (logs and profiles stay), unless the run was asked to keep it.
 */
final class RunDirectory implements AutoCloseable {
  private final Path root;
  private final boolean keep;

  private RunDirectory(Path root, boolean keep) {
    this.root = root;
    this.keep = keep;
  }

  static RunDirectory create(Path runs, String scenario, boolean keep) {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path root = runs.resolve(scenario + "-" + stamp).toAbsolutePath();
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new RunDirectory(root, keep);
  }

  Path root() {
    return root;
  }

  /** Call after the clusters in it are closed: a running node's files must not go. */
  @Override
  public void close() {
    if (keep) {
      System.out.println("run directory kept: " + root);
      return;
    }
    deleteTree(root, p -> !p.getFileName().toString().endsWith(".log")
        && !p.getFileName().toString().endsWith(".jfr"));
  }

  /** Deletes the files under {@code dir} that match, and then every directory left empty. */
  static void deleteTree(Path dir, Predicate<Path> files) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
        if (Files.isDirectory(f)) {
          try (Stream<Path> left = Files.list(f)) {
            if (left.findAny().isEmpty()) {
              Files.delete(f);
            }
          }
        } else if (files.test(f)) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
