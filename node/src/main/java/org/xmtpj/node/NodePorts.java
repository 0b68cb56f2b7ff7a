package org.xmtpj.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The ports a running node bound, as {@code ports.json} in its data directory: written once every listener is up,
 * removed when the node starts. A harness or an operator script that starts a node on port 0 reads the real ports
 * here instead of guessing free ports (which races with every other process on the machine).
 *
 * @param node the node key (hex)
 * @param replication the node-to-node port, or -1 when replication is off
 */
public record NodePorts(String node, int http, int grpc, int replication) {
  public static final String FILE = "ports.json";

  public String toJson() {
    return "{\"node\":\"" + node + "\",\"http\":" + http + ",\"grpc\":" + grpc + ",\"replication\":" + replication
        + "}\n";
  }

  /** Writes the file atomically, so a reader sees either no file or the whole of it. */
  void write(Path dataDir) {
    try {
      Path tmp = dataDir.resolve(FILE + ".tmp");
      Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
      Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dataDir.resolve(FILE), e);
    }
  }

  static void clear(Path dataDir) throws IOException {
    Files.deleteIfExists(dataDir.resolve(FILE));
  }

  /** The ports of the node using {@code dataDir}, once it is up; empty while it starts (or if it never wrote them). */
  public static Optional<NodePorts> read(Path dataDir) {
    String json;
    try {
      json = Files.readString(dataDir.resolve(FILE), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Optional.of(parse(json));
  }

  static NodePorts parse(String json) {
    NodePorts p;
    try {
      p = new com.google.gson.Gson().fromJson(json, NodePorts.class);
    } catch (com.google.gson.JsonParseException e) {
      throw new IllegalArgumentException("malformed " + FILE + ": " + e.getMessage(), e);
    }
    if (p == null || p.node() == null || p.http() <= 0 || p.grpc() <= 0 || p.replication() < -1) {
      throw new IllegalArgumentException("malformed " + FILE + ": " + json.strip());
    }
    return p;
  }
}
