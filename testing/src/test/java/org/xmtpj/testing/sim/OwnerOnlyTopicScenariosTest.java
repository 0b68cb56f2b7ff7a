package org.xmtpj.testing.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.ClientEnvelopeCodec;
import org.xmtpj.dag.EventCodec;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.PayloadType;
import org.xmtpj.dag.TopicIds;

/**
 * Issue 13 finding 4: a member origin must not be able to write onto someone else's owner-only topic through
 * replication, which skips the API's owner check. Every honest replica refuses the event from its bytes alone.
 */
@ExtendWith(SeedReporter.class)
class OwnerOnlyTopicScenariosTest {
  private static final String VICTIM = "0x6a03c07f9cB413ce77f398B00C1d0A5e6A8D0B15";
  private static final String PRIVATE_STORE = "/xmtp/0/privatestore-" + VICTIM + "/key_bundle/proto";
  private static final String CONTACT = "/xmtp/0/contact-" + VICTIM + "/proto";

  @Test
  void shouldRefuseAMembersJunkOnAVictimsPrivateStoreDatedNearTheEndOfTime(TestInfo info) {
    try (Simulation sim = Sims.builder(131, info).replicas(2).extraMembers(1).build().start()) {
      MaliciousPeer m = MaliciousPeer.join(sim, 0);
      SimReplica a = sim.replica(0);
      SimReplica b = sim.replica(1);
      sim.runFor(Duration.ofSeconds(2));
      long t = sim.scheduler().nowMs();
      byte[] store = junk(m, PRIVATE_STORE, t, Long.MAX_VALUE - 1);
      byte[] contact = junk(m, CONTACT, t, Long.MAX_VALUE - 2);
      Set<EventId> junkIds = Set.of(EventCodec.decode(store).id(), EventCodec.decode(contact).id());

      m.push(a, List.of(store, contact));
      m.push(b, List.of(store));
      sim.runFor(Duration.ofSeconds(1));
      assertThat(b.publish("/xmtp/0/m-owner-probe/proto", Sims.bytes("honest"))).isEqualTo(
          SimReplica.PublishResult.ACKED);
      sim.runFor(Duration.ofSeconds(1));
      sim.quiesce();

      assertThat(a.metrics().rejected("owner_rule")).as("a refused both").isEqualTo(2);
      assertThat(b.metrics().rejected("owner_rule")).as("b refused it").isEqualTo(1);
      for (SimReplica r : sim.replicas()) {
        assertThat(r.store().existingIds(junkIds)).as("%s stored the junk", r.name()).isEmpty();
        assertThat(Sims.read(r, PRIVATE_STORE)).as("%s serves the victim's private store", r.name()).isEmpty();
        assertThat(Sims.read(r, CONTACT)).as("%s serves the victim's contact topic", r.name()).isEmpty();
        assertThat(Sims.read(r, "/xmtp/0/m-owner-probe/proto")).as("%s still replicates", r.name()).hasSize(1);
      }
      ConvergenceOracle.assertConverged(sim);
    }
  }

  /** A plain, validly signed envelope event of the member on {@code topic}, with the given client timestamp. */
  private static byte[] junk(MaliciousPeer m, String topic, long createdAtMs, long timestampNs) {
    byte[] payload = ClientEnvelopeCodec.encode(new ClientEnvelope(topic, timestampNs, Sims.bytes("not a key bundle")));
    return BadFrames.sign(m.keys(), BadFrames.body(TopicIds.of(topic), m.keys().publicKey(), m.nextSeq(), createdAtMs,
        List.of(), PayloadType.CLIENT_ENVELOPE, payload));
  }
}
