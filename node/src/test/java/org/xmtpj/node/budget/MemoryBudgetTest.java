package org.xmtpj.node.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
  private final MemoryBudget budget = new MemoryBudget("test.budget", 1000);

  @Test
  void shouldBookUpToTheCapacityAndRefuseBeyondIt() {
    MemoryBudget.Lease a = budget.lease();
    MemoryBudget.Lease b = budget.lease();
    assertThat(a.tryAdd(600)).isTrue();
    assertThat(b.tryAdd(400)).isTrue();
    assertThat(b.tryAdd(1)).isFalse();
    assertThat(b.held()).isEqualTo(400);
    assertThat(budget.used()).isEqualTo(1000);
    assertThat(budget.refused()).isEqualTo(1);
  }

  @Test
  void shouldGiveEverythingBackOnCloseOnceEvenWhenClosedTwice() {
    MemoryBudget.Lease a = budget.lease();
    a.tryAdd(700);
    a.close();
    a.close();
    assertThat(budget.used()).isZero();
    assertThat(budget.lease().tryAdd(1000)).isTrue();
  }

  @Test
  void shouldGiveBackWhatAShrunkLeaseNoLongerHolds() {
    MemoryBudget.Lease a = budget.lease();
    a.tryAdd(900);
    a.shrinkTo(100);
    assertThat(a.held()).isEqualTo(100);
    assertThat(budget.used()).isEqualTo(100);
    a.shrinkTo(500); // never grows
    assertThat(budget.used()).isEqualTo(100);
  }

  @Test
  void shouldLetABookingLargerThanTheWholeBudgetRunAloneOnly() {
    MemoryBudget.Lease big = budget.lease();
    MemoryBudget.Lease small = budget.lease();
    assertThat(small.tryAdd(1)).isTrue();
    assertThat(big.tryAdd(5000)).as("while anything else is booked").isFalse();
    small.close();
    assertThat(big.tryAdd(5000)).as("alone").isTrue();
  }

  @Test
  void shouldWaitForRoomThatAnotherLeaseGivesBack() throws Exception {
    MemoryBudget.Lease holder = budget.lease();
    holder.tryAdd(1000);
    MemoryBudget.Lease waiter = budget.lease();
    CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> waiter.add(500, Duration.ofSeconds(30)));
    assertThat(budget.used()).isEqualTo(1000);
    holder.close();
    waiting.get(30, TimeUnit.SECONDS);
    assertThat(waiter.held()).isEqualTo(500);
    assertThat(budget.used()).isEqualTo(500);
  }

  @Test
  void shouldRefuseAWaitedBookingThatFindsNoRoomInTimeAndBookNothing() {
    MemoryBudget.Lease holder = budget.lease();
    holder.tryAdd(800);
    MemoryBudget.Lease waiter = budget.lease();
    assertThatThrownBy(() -> waiter.add(300, Duration.ofMillis(20)))
        .isInstanceOf(MemoryBudget.BudgetExhausted.class).hasMessageContaining("test.budget (1000 bytes)")
        .hasMessageContaining("300 more bytes");
    assertThat(waiter.held()).isZero();
    assertThat(budget.used()).isEqualTo(800);
  }
}
