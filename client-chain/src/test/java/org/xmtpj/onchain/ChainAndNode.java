package org.xmtpj.onchain;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.Signer;
import org.xmtpj.chain.local.LocalChain;
import org.xmtpj.client.IdentityDirectory;
import org.xmtpj.client.XmtpClient;
import org.xmtpj.node.NodeConfig;
import org.xmtpj.node.XmtpNode;
import org.xmtpj.node.ratelimit.RateLimitConfig;

/** A real Hardhat chain with the contracts deployed and a real node in this JVM, shared by a test class. */
final class ChainAndNode implements AutoCloseable {
  final LocalChain chain;
  final ChainSession session;
  final XmtpNode node;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  ChainAndNode(Path nodeDir) throws IOException {
    chain = LocalChain.start();
    try {
      session = chain.connect();
      NodeConfig config = NodeConfig.defaults(nodeDir).withPorts("127.0.0.1", 0, 0)
          .withRateLimit(new RateLimitConfig(false, 1, 1, 1, 1, 10));
      node = new XmtpNode(config.withReplication(config.replication().withPort(0)), Clock.systemUTC()).start();
    } catch (IOException | RuntimeException e) {
      chain.close();
      throw e;
    }
  }

  String nodeUrl() {
    return "http://127.0.0.1:" + node.httpPort();
  }

  /** The XMTP client of a chain wallet (the same key), optionally reading the registry. */
  XmtpClient client(Signer wallet, IdentityDirectory directory) {
    XmtpClient.Builder b = XmtpClient.builder(org.xmtpj.client.Signer.privateKey(wallet.privateKey()))
        .node(nodeUrl());
    return (directory == null ? b : b.directory(directory)).build();
  }

  /** How many envelopes the node stores on {@code topic} (asked over its HTTP gateway, as any client would). */
  int envelopesOn(String topic) throws IOException, InterruptedException {
    String body = "{\"contentTopics\":[\"" + topic + "\"],\"pagingInfo\":{\"limit\":100}}";
    HttpRequest request = HttpRequest.newBuilder(URI.create(nodeUrl() + "/message/v1/query"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("query of " + topic + " answered " + response.statusCode() + ": " + response.body());
    }
    JsonObject json = JsonParser.parseString(response.body()).getAsJsonObject();
    return json.has("envelopes") ? json.getAsJsonArray("envelopes").size() : 0;
  }

  @Override
  public void close() {
    try {
      node.close();
    } finally {
      session.close();
      chain.close();
    }
  }
}
