package org.xmtpj.testing.cluster;

import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtp.proto.message.api.v1.QueryResponse;
import org.xmtpj.dag.SortDirection;
import org.xmtpj.store.EnvelopeQuery;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.EventStores;
import org.xmtpj.store.EventStores.OnCorrupt;
import org.xmtpj.store.StoreDamagedException;
import org.xmtpj.testing.TestClients.HttpResult;

/** BitRotTest's damage that only shows while serving, and the raw HTTP calls that see non-200 answers. */
final class RuntimeDamage {
  /** SQLite's page type byte of an index b-tree leaf (WITHOUT ROWID tables are index b-trees too). */
  private static final int INDEX_LEAF = 0x0a;
  private static final int MAX_PROBES = 600;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private RuntimeDamage() {}

  /**
   * A copy of {@code file} with one bit flipped in an index leaf page such that the store opens (the start check
   * in force passes it) and a query of one of {@code topics} fails with {@link StoreDamagedException}. Probes run
   * on copies in {@code probeDir}, with a fixed seed; about one flip in twenty qualifies.
   */
  static byte[] find(byte[] file, Path probeDir, Collection<String> topics) throws IOException {
    int pageSize = ((file[16] & 0xff) << 8) | (file[17] & 0xff);
    pageSize = pageSize == 1 ? 65_536 : pageSize;
    List<Integer> leaves = new ArrayList<>();
    for (int page = 2; (long) page * pageSize <= file.length; page++) {
      if ((file[(page - 1) * pageSize] & 0xff) == INDEX_LEAF) {
        leaves.add(page);
      }
    }
    Random random = new Random(11);
    for (int probe = 0; probe < MAX_PROBES && !leaves.isEmpty(); probe++) {
      byte[] copy = file.clone();
      int page = leaves.get(random.nextInt(leaves.size()));
      int at = (page - 1) * pageSize + 8 + random.nextInt(pageSize - 8);
      copy[at] ^= (byte) (1 << random.nextInt(8));
      if (failsWhileServing(copy, probeDir.resolve("p" + probe), topics)) {
        return copy;
      }
    }
    throw new AssertionError("no flip among " + MAX_PROBES + " probes of " + leaves.size()
        + " index leaf pages passes the start check and fails a query");
  }

  private static boolean failsWhileServing(byte[] copy, Path dir, Collection<String> topics) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve("xmtpd.db"), copy);
    try (EventStore store = EventStores.sqlite(dir, OnCorrupt.REFUSE)) {
      try (var files = Files.list(dir)) {
        if (files.anyMatch(p -> p.getFileName().toString().startsWith("xmtpd.db.corrupt-"))) {
          return false; // the start check saw it and rebuilt: not damage that shows only while serving
        }
      }
      for (String topic : topics) {
        try {
          store.query(new EnvelopeQuery(List.of(topic), 0, 0, SortDirection.ASCENDING, null, 100));
        } catch (StoreDamagedException e) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException unusableOrOther) {
      return false;
    }
  }

  static HttpResult query(String baseUrl, String topic) throws IOException, InterruptedException {
    String body = "{\"contentTopics\":[\"" + topic + "\"],\"pagingInfo\":{\"limit\":100,\"direction\":"
        + "\"SORT_DIRECTION_ASCENDING\"}}";
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/message/v1/query"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new HttpResult(r.statusCode(), r.body());
  }

  static HttpResult get(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    return new HttpResult(r.statusCode(), r.body());
  }

  static List<Envelope> envelopes(String json) throws IOException {
    QueryResponse.Builder b = QueryResponse.newBuilder();
    JsonFormat.parser().ignoringUnknownFields().merge(json, b);
    return b.getEnvelopesList();
  }
}
