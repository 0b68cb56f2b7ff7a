package org.xmtpj.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.xmtpj.dag.OriginKey;

/**
 * A retention floor is a peer's claim that what lies under it was pruned. One liar declaring a floor far ahead must
 * raise nothing while a second peer can be asked; honest floors count as far as two peers agree.
 */
class FloorVotesTest {
  private final FloorVotes votes = new FloorVotes();
  private final OriginKey liar = key(1);
  private final OriginKey honest = key(2);
  private final OriginKey other = key(3);
  private final OriginKey origin = key(9);

  private static OriginKey key(int b) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) b);
    return new OriginKey(k);
  }

  @Test
  void shouldBelieveNothingOnOnePeersWordWhileThereIsASecondPeer() {
    for (int round = 0; round < 5; round++) {
      assertThat(votes.vote(liar, origin, 1_000_000, 3)).as("round %d", round).isZero();
    }
  }

  @Test
  void shouldBelieveTheSecondHighestFloorOfDifferentPeers() {
    assertThat(votes.vote(liar, origin, 1_000_000, 3)).isZero();
    assertThat(votes.vote(honest, origin, 40, 3)).as("the liar's claim is capped by the honest one").isEqualTo(40);
    assertThat(votes.vote(liar, origin, 1_000_000, 3)).as("asked again, the liar still gets only 40").isEqualTo(40);
    assertThat(votes.vote(other, origin, 60, 3)).isEqualTo(60);
    assertThat(votes.vote(honest, origin, 40, 3)).as("never above what this peer claims").isEqualTo(40);
  }

  @Test
  void shouldNeverBelieveMoreThanTheAnswerAtHandClaims() {
    votes.vote(honest, origin, 50, 3);
    votes.vote(other, origin, 50, 3);
    assertThat(votes.vote(liar, origin, 10, 3)).isEqualTo(10);
  }

  @Test
  void shouldKeepFloorsApartPerOrigin() {
    votes.vote(honest, origin, 50, 3);
    assertThat(votes.vote(other, key(8), 50, 3)).as("one vote for each origin").isZero();
  }

  @Test
  void shouldBelieveTheOnlyPeer() {
    assertThat(votes.vote(honest, origin, 70, 1)).isEqualTo(70);
  }

  @Test
  void shouldIgnoreAnUnknownPeerAndAnEmptyFloor() {
    assertThat(votes.vote(null, origin, 70, 1)).isZero();
    assertThat(votes.vote(honest, origin, 0, 1)).isZero();
  }
}
