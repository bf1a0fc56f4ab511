package dev.ingest.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class GroupCommitTest {
  @Test
  void aLoneCallerIsWrittenAsItIs() {
    AtomicInteger batches = new AtomicInteger();
    GroupCommit<Integer, String> commit =
        new GroupCommit<>(group -> { batches.incrementAndGet(); return group.stream().map(i -> "b" + i).toList(); }, i -> "s" + i);
    assertEquals("s7", commit.submit(7));
    assertEquals(0, batches.get());
  }

  @Test
  void callersArrivingDuringAWriteShareTheNextOneAndEachGetsItsOwnResult() throws Exception {
    CountDownLatch firstWriteStarted = new CountDownLatch(1);
    CountDownLatch othersQueued = new CountDownLatch(1);
    List<Integer> groupSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
    GroupCommit<Integer, String> commit =
        new GroupCommit<>(
            group -> {
              groupSizes.add(group.size());
              return group.stream().map(i -> "b" + i).toList();
            },
            i -> {
              groupSizes.add(1);
              if (i == 0) {
                firstWriteStarted.countDown();
                await(othersQueued);
              }
              return "s" + i;
            });
    ExecutorService pool = Executors.newFixedThreadPool(9);
    try {
      Future<String> first = pool.submit(() -> commit.submit(0));
      // why: the eight wait behind the first write; once it ends, its writer writes them as one group.
      List<Future<String>> others = queueBehind(commit, pool, firstWriteStarted, 8);
      othersQueued.countDown();
      assertEquals("s0", first.get(10, TimeUnit.SECONDS));
      for (int i = 1; i <= 8; i++) {
        assertEquals("b" + i, others.get(i - 1).get(10, TimeUnit.SECONDS));
      }
      assertEquals(List.of(1, 8), groupSizes);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aGroupThatFailsAsAWholeIsWrittenOneByOneSoOnlyTheBadItemFails() throws Exception {
    CountDownLatch firstWriteStarted = new CountDownLatch(1);
    CountDownLatch othersQueued = new CountDownLatch(1);
    GroupCommit<Integer, String> commit =
        new GroupCommit<>(
            group -> { throw new IllegalStateException("duplicate in the group"); },
            i -> {
              if (i == 0) {
                firstWriteStarted.countDown();
                await(othersQueued);
              }
              if (i == 3) {
                throw new dev.ingest.core.InvalidInputException("item 3 is bad");
              }
              return "s" + i;
            });
    ExecutorService pool = Executors.newFixedThreadPool(5);
    try {
      Future<String> first = pool.submit(() -> commit.submit(0));
      List<Future<String>> others = queueBehind(commit, pool, firstWriteStarted, 4);
      othersQueued.countDown();
      assertEquals("s0", first.get(10, TimeUnit.SECONDS));
      assertEquals("s1", others.get(0).get(10, TimeUnit.SECONDS));
      assertEquals("s2", others.get(1).get(10, TimeUnit.SECONDS));
      var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> others.get(2).get(10, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof dev.ingest.core.InvalidInputException, e.getCause().toString());
      assertEquals("s4", others.get(3).get(10, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Once the first write has started (and holds, as the tests' writers do), submits items 1..n and waits until
   * all of them are queued behind it.
   */
  private static List<Future<String>> queueBehind(
      GroupCommit<Integer, String> commit, ExecutorService pool, CountDownLatch firstWriteStarted, int n)
      throws InterruptedException {
    firstWriteStarted.await(10, TimeUnit.SECONDS);
    List<Future<String>> queued = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      int item = i;
      queued.add(pool.submit(() -> commit.submit(item)));
    }
    waitUntil(() -> commit.pendingCount() == n);
    return queued;
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(condition::getAsBoolean);
  }
}
