package org.xmtpj.testing.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.EventCodec;
import org.xmtpj.dag.Event;
import org.xmtpj.dag.OwnedTopics;
import org.xmtpj.dag.Payloads;
import org.xmtpj.testing.TestClients;
import org.xmtpj.testing.cluster.LocalCluster.Mode;

/**
 * The seed's promise: an observer of a conversation sees its topic and ciphertext, never who takes part. A sender
 * publishes to conversation, invite, preference and ephemeral topics on one node; the events every replica stores
 * and both nodes' logs must hold nothing that names it (wallet, identity key, auth token). Its own contact topic is
 * the control: there the token must be in the event (docs/replication.md §1.3.1), which shows the search finds it.
 */
class UnlinkabilityTest {
  private static final TestClients SENDER = TestClients.newIdentity();

  @TempDir
  Path dir;

  @Test
  void shouldKeepEverySenderIdentifierOutOfReplicatedEventsAndLogsOfConversationTopics() throws Exception {
    String peer = TestClients.newIdentity().walletAddress();
    Map<String, String> topics = Map.of(
        "/xmtp/0/m-unlink-" + System.nanoTime() + "/proto", "conversation",
        "/xmtp/0/invite-" + peer + "/proto", "invite",
        "/xmtp/0/userpreferences-unlink" + System.nanoTime() + "/proto", "preferences",
        "/xmtp/0/mE-unlink-" + System.nanoTime() + "/proto", "ephemeral");
    String contact = "/xmtp/0/contact-" + SENDER.walletAddress() + "/proto";
    List<byte[]> secrets;
    try (LocalCluster cluster = LocalCluster.builder(Mode.PROCESS, dir).nodes(2).start()) {
      for (String topic : topics.keySet()) {
        assertThat(SENDER.publish(cluster.node(0).httpUrl(),
            List.of(TestClients.envelope(topic, "ciphertext".getBytes(StandardCharsets.UTF_8)))).status())
            .as(topic).isEqualTo(200);
      }
      assertThat(SENDER.publish(cluster.node(0).httpUrl(),
          List.of(TestClients.envelope(contact, "bundle".getBytes(StandardCharsets.UTF_8)))).status()).isEqualTo(200);
      secrets = identifiers(SENDER);
      cluster.awaitAgreement();
      cluster.nodes().forEach(ClusterNode::stop);

      for (ClusterNode node : cluster.nodes()) {
        int stored = 0;
        boolean controlFound = false;
        for (byte[] raw : rawEvents(node.dataDir().resolve("xmtpd.db"))) {
          Event event = EventCodec.decode(raw).event();
          ClientEnvelope env = Payloads.envelope(event);
          if (env == null) {
            continue;
          }
          if (OwnedTopics.owner(env.contentTopic()) != null) {
            controlFound |= contains(raw, secrets.get(secrets.size() - 1));
            continue;
          }
          stored++;
          for (byte[] secret : secrets) {
            assertThat(contains(raw, secret)).as("%s: an event on %s (%s) holds a sender identifier",
                node.name(), env.contentTopic(), topics.get(env.contentTopic())).isFalse();
          }
        }
        assertThat(stored).as("%s stores the conversation, invite and preference events", node.name())
            .isEqualTo(3);
        assertThat(controlFound).as("%s: the contact event carries the owner's token", node.name()).isTrue();
        String log = Files.readString(node.logFile().orElseThrow()).toLowerCase(Locale.ROOT);
        for (String text : texts(SENDER)) {
          assertThat(log).as("%s's log names the sender", node.name()).doesNotContain(text.toLowerCase(Locale.ROOT));
        }
      }
    }
  }

  /** Byte strings that identify the sender; the last is its token (the control's needle). */
  private static List<byte[]> identifiers(TestClients sender) {
    List<byte[]> out = new ArrayList<>();
    out.add(HexFormat.of().parseHex(sender.walletAddress().substring(2)));
    out.add(sender.identityPublicKey());
    for (String text : texts(sender)) {
      out.add(text.getBytes(StandardCharsets.UTF_8));
    }
    out.add(Base64.getDecoder().decode(sender.authorization().substring("Bearer ".length())));
    return out;
  }

  private static List<String> texts(TestClients sender) {
    String token = sender.authorization().substring("Bearer ".length());
    return List.of(sender.walletAddress(), sender.walletAddress().substring(2),
        HexFormat.of().formatHex(sender.identityPublicKey()), token.substring(0, 40));
  }

  private static List<byte[]> rawEvents(Path db) throws Exception {
    List<byte[]> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT raw FROM events")) {
      while (rs.next()) {
        out.add(rs.getBytes(1));
      }
    }
    return out;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
