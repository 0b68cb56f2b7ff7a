package org.xmtpj.node.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xmtpj.node.chain.FakeChain.deregistered;
import static org.xmtpj.node.chain.FakeChain.endpointChanged;
import static org.xmtpj.node.chain.FakeChain.registered;
import static org.xmtpj.node.chain.FakeChain.snapshot;

import org.junit.jupiter.api.Test;
import org.xmtpj.chain.ChainException;

class ChainIndexerTest {
  private final FakeChain chain = new FakeChain();

  private ChainIndexer indexer(long confirmations, long maxBlocks) {
    return new ChainIndexer(chain, 1, confirmations, maxBlocks);
  }

  @Test
  void shouldFoldRegistrationsUpdatesAndSnapshotsInChainOrder() {
    chain.mine(registered(1, 1, "a:1"), registered(2, 2, "b:2"));
    chain.mine(snapshot(0, 2, 1), endpointChanged(1, "a:9"));
    chain.mine(deregistered(2));
    ChainIndexer ix = indexer(0, 1_000);

    ChainIndexer.Progress p = ix.poll();

    assertThat(p.changed()).isTrue();
    assertThat(p.indexedBlock()).isEqualTo(3);
    RegistryState s = ix.state();
    assertThat(s.activeEpoch()).isZero();
    assertThat(s.nodes().get(1L).endpoint()).isEqualTo("a:9");
    assertThat(s.nodes().get(2L).registered()).isFalse();
    assertThat(s.activeNodes()).extracting(RegistryState.Node::id).containsExactly(1L);
    assertThat(ix.poll().changed()).isFalse();
  }

  @Test
  void shouldDropEventsOfOrphanedBlocksWhenTheChainReorgs() {
    chain.mine(registered(1, 1, "a:1"), snapshot(0, 1));
    long fork = chain.mine();
    chain.mine(registered(2, 2, "b:2"), snapshot(1, 1, 2));
    ChainIndexer ix = indexer(0, 1_000);
    ix.poll();
    assertThat(ix.state().activeNodes()).hasSize(2);

    chain.reorgTo(fork);
    chain.mine();
    chain.mine(registered(2, 3, "c:3"), snapshot(1, 2));
    ChainIndexer.Progress p = ix.poll();

    assertThat(p.reorgDepth()).as("blocks re-read: back to the newest remembered block the chain still has").isEqualTo(2);
    assertThat(ix.reorgs()).isEqualTo(1);
    assertThat(ix.state().nodes().get(2L).endpoint()).isEqualTo("c:3");
    assertThat(ix.state().activeNodes()).extracting(RegistryState.Node::endpoint).containsExactly("c:3");
    assertThat(ix.state().idsByKey()).hasSize(2);
  }

  @Test
  void shouldNoticeAReorgThatReplacesTheLastIndexedBlockWithAnEmptyOne() {
    chain.mine(registered(1, 1, "a:1"));
    long base = chain.mine(snapshot(0, 1));
    chain.mine(registered(2, 2, "b:2"));
    ChainIndexer ix = indexer(0, 1_000);
    ix.poll();

    chain.reorgTo(base);
    chain.mine();
    ix.poll();

    assertThat(ix.state().nodes()).containsOnlyKeys(1L);
    assertThat(ix.indexedBlock()).isEqualTo(base + 1);
  }

  @Test
  void shouldReindexFromTheDeploymentBlockWhenTheReorgIsDeeperThanTheWindow() {
    chain.mine(registered(1, 1, "a:1"), snapshot(0, 1));
    ChainIndexer ix = indexer(0, 1);
    for (int i = 0; i < ChainIndexer.WINDOW + 10; i++) {
      chain.mine();
      ix.poll();
    }
    while (ix.indexedBlock() < chain.latestBlock()) {
      ix.poll();
    }

    chain.reorgTo(0);
    chain.mine(registered(1, 7, "z:7"));
    ChainIndexer ix2 = ix;
    long before = ix2.reorgs();
    ix2.poll();

    assertThat(ix2.reorgs()).isEqualTo(before + 1);
    assertThat(ix2.state().nodes().get(1L).endpoint()).isEqualTo("z:7");
    assertThat(ix2.state().activeEpoch()).isEqualTo(-1);
  }

  @Test
  void shouldReadTheRangeAgainWhenTheChainForksDuringTheRead() {
    chain.mine(registered(1, 1, "a:1"));
    long base = chain.mine();
    chain.mine(registered(2, 2, "b:2"));
    ChainIndexer ix = indexer(0, 1_000);
    chain.duringFetch = () -> {
      chain.reorgTo(base);
      chain.mine(registered(2, 3, "c:3"));
    };

    ChainIndexer.Progress first = ix.poll();
    assertThat(first.changed()).isFalse();
    assertThat(ix.indexedBlock()).isZero();

    ix.poll();
    assertThat(ix.state().nodes().get(2L).endpoint()).isEqualTo("c:3");
  }

  @Test
  void shouldStayTheConfiguredConfirmationsBehindTheHead() {
    chain.mine(registered(1, 1, "a:1"));
    chain.mine(registered(2, 2, "b:2"));
    chain.mine();
    ChainIndexer ix = indexer(2, 1_000);

    ix.poll();

    assertThat(ix.indexedBlock()).isEqualTo(1);
    assertThat(ix.state().nodes()).containsOnlyKeys(1L);
  }

  @Test
  void shouldReadAtMostTheBoundedNumberOfBlocksPerPoll() {
    for (int i = 0; i < 10; i++) {
      chain.mine(registered(i + 1, i + 1, "h:" + (i + 1)));
    }
    ChainIndexer ix = indexer(0, 4);

    ix.poll();
    assertThat(ix.indexedBlock()).isEqualTo(4);
    ix.poll();
    ix.poll();
    assertThat(ix.indexedBlock()).isEqualTo(10);
    assertThat(ix.state().nodes()).hasSize(10);
  }

  @Test
  void shouldKeepItsStateWhenTheRpcFails() {
    chain.mine(registered(1, 1, "a:1"));
    ChainIndexer ix = indexer(0, 1_000);
    ix.poll();
    chain.setDown(true);
    chain.mine(registered(2, 2, "b:2"));

    assertThatThrownBy(ix::poll).isInstanceOf(ChainException.class);
    assertThat(ix.state().nodes()).containsOnlyKeys(1L);

    chain.setDown(false);
    ix.poll();
    assertThat(ix.state().nodes()).containsOnlyKeys(1L, 2L);
  }
}
