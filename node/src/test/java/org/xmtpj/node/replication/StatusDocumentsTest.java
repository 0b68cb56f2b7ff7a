package org.xmtpj.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.store.Evidence;

/** Issue 13, finding 11: /debug/evidence rendered every equivocation in full, gigabytes for large events. */
class StatusDocumentsTest {
  @Test
  void shouldRenderEvidenceWithinItsCharacterBudgetAndSayWhatItLeftOut() {
    List<Evidence> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rows.add(new Evidence(new OriginKey(new byte[32]), i + 1, new byte[100_000], new byte[100_000]));
    }
    String doc = StatusDocuments.evidence(rows, true, 1_000_000);
    assertThat(doc.length()).isLessThan(1_000_000 + 10_000);
    JsonObject json = JsonParser.parseString(doc).getAsJsonObject();
    var entries = json.getAsJsonArray("equivocations");
    assertThat(entries).hasSize(10);
    assertThat(entries.get(0).getAsJsonObject().get("first").getAsString()).hasSize(200_000);
    assertThat(entries.get(9).getAsJsonObject().get("truncated").getAsBoolean()).isTrue();
    assertThat(entries.get(9).getAsJsonObject().get("originSeq").getAsLong()).isEqualTo(10);
    assertThat(json.get("complete").getAsBoolean()).isFalse();

    JsonObject small = JsonParser.parseString(StatusDocuments.evidence(rows.subList(0, 2), true, 1_000_000))
        .getAsJsonObject();
    assertThat(small.get("complete").getAsBoolean()).isTrue();
    assertThat(JsonParser.parseString(StatusDocuments.evidence(rows.subList(0, 2), false, 1_000_000))
        .getAsJsonObject().get("complete").getAsBoolean()).as("more rows recorded than read").isFalse();
  }
}
