package org.xmtpj.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;

/**
 * A GetHeads answer that omits some of our old heads is one peer's word (issue 13, finding 11: a GetHeads answer
 * could make retention retire honest heads). A liar answering with a subset of our heads must retire nothing while
 * a second peer can be asked; agreeing honest peers still retire what pruning superseded.
 */
class RetireVotesTest {
  private final RetireVotes votes = new RetireVotes();
  private final OriginKey liar = key(1);
  private final OriginKey honest = key(2);
  private final EventId oldHead = id(7);
  private final EventId otherHead = id(8);

  private static OriginKey key(int b) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) b);
    return new OriginKey(k);
  }

  private static EventId id(int b) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) b);
    return new EventId(k);
  }

  @Test
  void shouldRetireNothingOnOnePeersWordWhileThereIsASecondPeer() {
    for (int round = 0; round < 5; round++) {
      assertThat(votes.vote(liar, List.of(oldHead, otherHead), 3)).as("round %d", round).isEmpty();
    }
    assertThat(votes.pending()).isEqualTo(2);
  }

  @Test
  void shouldRetireAHeadOnceTwoPeersReportedItSuperseded() {
    assertThat(votes.vote(liar, List.of(oldHead, otherHead), 2)).isEmpty();
    assertThat(votes.vote(honest, List.of(oldHead), 2)).containsExactly(oldHead);
    assertThat(votes.pending()).as("the agreed head is forgotten, the other still waits").isEqualTo(1);
  }

  @Test
  void shouldTakeTheOnlyPeersWordWhenThereIsNoOther() {
    assertThat(votes.vote(honest, List.of(oldHead), 1)).containsExactly(oldHead);
  }

  @Test
  void shouldRememberVotesForABoundedNumberOfHeads() {
    for (int i = 0; i < RetireVotes.MAX_HEADS + 500; i++) {
      byte[] b = new byte[32];
      java.nio.ByteBuffer.wrap(b).putInt(i);
      votes.vote(liar, List.of(new EventId(b)), 3);
    }
    assertThat(votes.pending()).isEqualTo(RetireVotes.MAX_HEADS);
  }
}
