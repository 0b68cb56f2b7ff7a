package org.xmtpj.client;

import java.io.IOException;
import java.nio.file.Path;
import org.xmtpj.node.NodeConfig;
import org.xmtpj.node.XmtpNode;
import org.xmtpj.node.ratelimit.RateLimitConfig;

/** A real node on loopback ports in this JVM (SQLite in a temp dir, no peers). */
final class LocalNode implements AutoCloseable {
  final XmtpNode node;

  LocalNode(Path dir) throws IOException {
    NodeConfig config = NodeConfig.defaults(dir).withPorts("127.0.0.1", 0, 0)
        .withRateLimit(new RateLimitConfig(false, 1, 1, 1, 1, 10));
    config = config.withReplication(config.replication().withPort(0));
    node = new XmtpNode(config, java.time.Clock.systemUTC()).start();
  }

  String url(String transport) {
    return transport.equals("grpc") ? "grpc://127.0.0.1:" + node.grpcPort() : "http://127.0.0.1:" + node.httpPort();
  }

  @Override
  public void close() {
    node.close();
  }
}
