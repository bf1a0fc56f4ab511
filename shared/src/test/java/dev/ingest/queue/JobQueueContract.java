package dev.ingest.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.core.IllegalTransitionException;
import dev.ingest.core.InvalidInputException;
import dev.ingest.core.Job;
import dev.ingest.core.JobError;
import dev.ingest.core.JobProgress;
import dev.ingest.core.JobStatus;
import dev.ingest.core.LeaseLostException;
import dev.ingest.core.NewJob;
import dev.ingest.core.NotFoundException;
import dev.ingest.core.Priority;
import dev.ingest.core.RetryPolicy;
import dev.ingest.core.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link JobQueue} adapter must show. Subclasses supply the adapter. */
public abstract class JobQueueContract {
  protected static final Duration TTL = Duration.ofSeconds(30);
  protected static final RetryPolicy POLICY =
      RetryPolicy.backoff(Duration.ofSeconds(5), 2.0).cappedAt(Duration.ofMinutes(1)).withJitter(0);

  protected SettableClock clock;
  protected JobQueue queue;

  /** A fresh, empty queue on the adapter under test, using the given clock and retry policy. */
  protected abstract JobQueue createQueue(SettableClock clock, RetryPolicy policy);

  @BeforeEach
  void setUpQueue() {
    clock = new SettableClock(Instant.parse("2026-03-01T12:00:00Z"));
    queue = createQueue(clock, POLICY);
  }

  private Job enqueue(String pipeline) {
    return queue.enqueue(NewJob.builder(pipeline).build()).job();
  }

  private Lease claimOne(String owner) {
    List<Lease> leases = queue.claim(owner, List.of(), 1, TTL);
    assertEquals(1, leases.size(), "expected one claimable job");
    return leases.get(0);
  }

  @Test
  void enqueuedJobIsQueuedWithDefaults() {
    Job job = enqueue("auto");
    Job stored = queue.get(job.id());
    assertEquals(JobStatus.QUEUED, stored.status());
    assertEquals("default", stored.queue());
    assertEquals("auto", stored.pipeline());
    assertEquals(0, stored.attempts());
    assertEquals(3, stored.maxAttempts());
    assertEquals(Priority.NORMAL, stored.priority());
    assertTrue(stored.id().startsWith("job_"));
  }

  @Test
  void jobsEnqueuedTogetherKeepEveryFieldAndCharacter() {
    Map<String, String> awkward =
        Map.of("tab", "a\tb", "lines", "one\ntwo\r\nthree", "slash", "back\\slash \\N", "text", "zürich 😀", "empty", "");
    List<NewJob> jobs =
        List.of(
            NewJob.builder("p").queue("bulk").priority(Priority.LOW).maxAttempts(7).dedupeKey("bulk-key").meta(awkward).build(),
            NewJob.builder("p").queue("bulk").build(),
            NewJob.builder("q").queue("other").meta(Map.of("k", "\\")).build(),
            NewJob.builder("q").queue("other").timeout(java.time.Duration.ofSeconds(90))
                .options(Map.of("chunk.size", "500", "chunk.unit", "tokens")).build());

    List<EnqueueResult> results = queue.enqueueAll(jobs);
    assertEquals(java.time.Duration.ofSeconds(90), queue.get(results.get(3).job().id()).timeout());
    assertEquals(Map.of("chunk.size", "500", "chunk.unit", "tokens"), queue.get(results.get(3).job().id()).options());
    assertEquals(Map.of(), queue.get(results.get(0).job().id()).options());
    assertNull(queue.get(results.get(0).job().id()).timeout());
    Job single = queue.enqueue(NewJob.builder("q").timeout(java.time.Duration.ofMillis(1500)).build()).job();
    assertEquals(java.time.Duration.ofMillis(1500), single.timeout());
    assertEquals(java.time.Duration.ofMillis(1500), queue.get(single.id()).timeout());

    Job first = queue.get(results.get(0).job().id());
    assertEquals(awkward, first.meta());
    assertEquals("bulk", first.queue());
    assertEquals(Priority.LOW, first.priority());
    assertEquals(7, first.maxAttempts());
    assertEquals("bulk-key", first.dedupeKey());
    assertEquals(JobStatus.QUEUED, first.status());
    Job second = queue.get(results.get(1).job().id());
    assertEquals(Map.of(), second.meta());
    assertNull(second.dedupeKey());
    assertEquals(Map.of("k", "\\"), queue.get(results.get(2).job().id()).meta());
    assertEquals("q", queue.get(results.get(2).job().id()).pipeline());
    // and they are claimable like any other job
    assertEquals(2, queue.claim("w", List.of("bulk"), 10, TTL).size());
  }

  @Test
  void unknownJobIsNotFound() {
    assertThrows(NotFoundException.class, () -> queue.get("job_nope"));
    assertTrue(queue.find("job_nope").isEmpty());
  }

  @Test
  void claimTakesHighestPriorityFirstThenEarliestDue() {
    Job low = queue.enqueue(NewJob.builder("p").priority(Priority.LOW).build()).job();
    clock.advance(Duration.ofSeconds(1));
    Job normalOld = enqueue("p");
    clock.advance(Duration.ofSeconds(1));
    Job normalNew = enqueue("p");
    clock.advance(Duration.ofSeconds(1));
    Job urgent = queue.enqueue(NewJob.builder("p").priority(Priority.URGENT).build()).job();

    List<String> order = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      order.add(claimOne("w").jobId());
    }
    assertEquals(List.of(urgent.id(), normalOld.id(), normalNew.id(), low.id()), order);
  }

  @Test
  void batchClaimReturnsUpToTheLimitInPriorityOrder() {
    for (int i = 0; i < 5; i++) {
      enqueue("p");
    }
    Job high = queue.enqueue(NewJob.builder("p").priority(Priority.HIGH).build()).job();
    List<Lease> leases = queue.claim("w", List.of(), 3, TTL);
    assertEquals(3, leases.size());
    assertEquals(high.id(), leases.get(0).jobId());
    assertEquals(3, queue.claim("w", List.of(), 10, TTL).size());
    assertTrue(queue.claim("w", List.of(), 10, TTL).isEmpty());
  }

  @Test
  void claimSetsOwnerLeaseAndIncrementsAttempts() {
    Job job = enqueue("p");
    Lease lease = claimOne("worker-a");
    assertEquals(job.id(), lease.jobId());
    assertEquals(1, lease.attempt());
    Job running = queue.get(job.id());
    assertEquals(JobStatus.RUNNING, running.status());
    assertEquals("worker-a", running.leaseOwner());
    assertEquals(clock.now().plus(TTL), running.leaseExpiresAt());
    assertEquals(clock.now(), running.startedAt());
  }

  @Test
  void claimOnlyTakesJobsFromTheNamedQueues() {
    Job mail = queue.enqueue(NewJob.builder("p").queue("mail").build()).job();
    queue.enqueue(NewJob.builder("p").queue("video").build());
    List<Lease> leases = queue.claim("w", List.of("mail", "other"), 10, TTL);
    assertEquals(List.of(mail.id()), leases.stream().map(Lease::jobId).toList());
  }

  @Test
  void concurrentClaimersNeverShareAJob() throws Exception {
    List<NewJob> jobs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      jobs.add(NewJob.builder("p").build());
    }
    queue.enqueueAll(jobs);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<List<String>>> claimers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        String owner = "w" + w;
        claimers.add(
            () -> {
              List<String> mine = new ArrayList<>();
              List<Lease> got;
              while (!(got = queue.claim(owner, List.of(), 7, TTL)).isEmpty()) {
                got.forEach(l -> mine.add(l.jobId()));
              }
              return mine;
            });
      }
      List<String> all = new ArrayList<>();
      for (Future<List<String>> f : pool.invokeAll(claimers)) {
        all.addAll(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
      }
      assertEquals(200, all.size());
      assertEquals(200, new HashSet<>(all).size(), "a job was claimed twice");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void heartbeatExtendsEveryLeaseTheOwnerHolds() {
    enqueue("p");
    enqueue("p");
    List<Lease> leases = queue.claim("w", List.of(), 2, TTL);
    clock.advance(Duration.ofSeconds(20));
    Map<String, LeaseState> states = queue.heartbeat("w", TTL);
    assertEquals(Set.of(leases.get(0).jobId(), leases.get(1).jobId()), states.keySet());
    clock.advance(Duration.ofSeconds(20)); // 40 s after the claim, 20 s after the heartbeat
    assertEquals(0, queue.reclaimExpired());
    assertEquals(JobStatus.RUNNING, queue.get(leases.get(0).jobId()).status());
  }

  @Test
  void expiredLeaseIsReclaimedWithBackoffAndAnotherWorkerFinishesTheJob() {
    Job job = enqueue("p");
    Lease first = claimOne("crashed");
    clock.advance(TTL.plusSeconds(1));
    assertEquals(1, queue.reclaimExpired());
    Job waiting = queue.get(job.id());
    assertEquals(JobStatus.RETRYING, waiting.status());
    assertEquals(clock.now().plusSeconds(5), waiting.runAt());
    assertTrue(queue.claim("other", List.of(), 1, TTL).isEmpty(), "claimable before its backoff ran out");

    clock.advance(Duration.ofSeconds(5));
    Lease second = claimOne("other");
    assertEquals(2, second.attempt());
    queue.complete(second, "{\"ok\":true}");
    Job done = queue.get(job.id());
    assertEquals(JobStatus.COMPLETED, done.status());
    assertEquals(2, done.attempts());
    assertThrows(LeaseLostException.class, () -> queue.complete(first, "{\"stale\":true}"));
    assertEquals("{\"ok\":true}", queue.get(job.id()).resultJson());
    assertEquals("lease_expired", queue.errors(job.id()).get(0).type());
  }

  @Test
  void aLateHeartbeatDoesNotReviveALeaseThatRanOut() {
    Job job = enqueue("p");
    claimOne("stalled");
    clock.advance(TTL.plusSeconds(1));
    queue.heartbeat("stalled", TTL); // the worker comes back from a long pause
    assertEquals(1, queue.reclaimExpired(), "the lease had run out: the job is free for others");
    assertEquals(JobStatus.RETRYING, queue.get(job.id()).status());
    assertFalse(queue.heartbeat("stalled", TTL).containsKey(job.id()), "and the stalled worker hears it lost it");
  }

  @Test
  void expiredLeaseOnTheLastAttemptFailsTheJob() {
    Job job = queue.enqueue(NewJob.builder("p").maxAttempts(1).build()).job();
    claimOne("crashed");
    clock.advance(TTL.plusSeconds(1));
    assertEquals(1, queue.reclaimExpired());
    Job failed = queue.get(job.id());
    assertEquals(JobStatus.FAILED, failed.status());
    assertEquals("lease_expired", failed.error().type());
    assertTrue(failed.finishedAt() != null);
  }

  @Test
  void aWorkerThatLostItsLeaseCannotWriteProgressOrOutcome() {
    Job job = enqueue("p");
    Lease stale = claimOne("slow");
    clock.advance(TTL.plusSeconds(1));
    queue.reclaimExpired();
    clock.advance(Duration.ofMinutes(1));
    Lease fresh = claimOne("fast");

    assertThrows(LeaseLostException.class, () -> queue.reportProgress(stale, new JobProgress(50, "x", null)));
    assertThrows(LeaseLostException.class, () -> queue.fail(stale, Failure.permanent("boom", "boom")));
    assertThrows(LeaseLostException.class, () -> queue.markCancelled(stale));
    assertThrows(LeaseLostException.class, () -> queue.release(stale));
    assertFalse(queue.heartbeat("slow", TTL).containsKey(job.id()));

    queue.reportProgress(fresh, new JobProgress(40, "extract", "page 2"));
    assertEquals(new JobProgress(40, "extract", "page 2"), queue.get(job.id()).progress());
  }

  @Test
  void aCompletionEnqueuesItsFollowUpsExactlyWhenItCommits() {
    Job parent = queue.enqueue(NewJob.builder("p").meta(Map.of("team", "legal")).build()).job();
    Lease stale = claimOne("slow");
    NewJob followUp = NewJob.builder("index").queue("later").meta(parent.meta()).parent(parent.id()).build();
    clock.advance(TTL.plusSeconds(1));
    queue.reclaimExpired();
    clock.advance(Duration.ofMinutes(1));
    Lease fresh = claimOne("fast");

    // the worker that lost its lease: neither the completion nor the follow-up happens
    assertEquals(java.util.Set.of(parent.id()), queue.completeAll(List.of(new Completion(stale, "{}", List.of(followUp)))));
    assertTrue(queue.list(new JobFilter(null, "later", 10)).isEmpty());

    // the one that holds it: both, once, in one transaction, beside a plain completion in the same batch
    Job other = queue.enqueue(NewJob.builder("p").queue("other2").build()).job();
    Lease otherLease = queue.claim("fast", List.of("other2"), 1, TTL).get(0);
    assertEquals(java.util.Set.of(), queue.completeAll(List.of(new Completion(fresh, "{}", List.of(followUp)), new Completion(otherLease, "{}"))));
    assertEquals(JobStatus.COMPLETED, queue.get(parent.id()).status());
    assertEquals(JobStatus.COMPLETED, queue.get(other.id()).status());
    List<Job> later = queue.list(new JobFilter(null, "later", 10));
    assertEquals(1, later.size());
    assertEquals(parent.id(), later.get(0).parent());
    assertEquals("index", later.get(0).pipeline());
    assertEquals(Map.of("team", "legal"), later.get(0).meta());
    assertEquals(JobStatus.QUEUED, later.get(0).status());
    // a repeated completion (a retry of the write) cannot add a second follow-up
    assertEquals(java.util.Set.of(parent.id()), queue.completeAll(List.of(new Completion(fresh, "{}", List.of(followUp)))));
    assertEquals(1, queue.list(new JobFilter(null, "later", 10)).size());
  }

  @Test
  void dedupeKeyReturnsTheUnfinishedJobThatHoldsIt() {
    EnqueueResult first = queue.enqueue(NewJob.builder("p").dedupeKey("invoice-7").build());
    EnqueueResult again = queue.enqueue(NewJob.builder("p").dedupeKey("invoice-7").build());
    assertFalse(first.deduplicated());
    assertTrue(again.deduplicated());
    assertEquals(first.job().id(), again.job().id());

    Lease lease = claimOne("w");
    assertEquals(first.job().id(), queue.enqueue(NewJob.builder("p").dedupeKey("invoice-7").build()).job().id());
    queue.complete(lease, "{}");

    EnqueueResult afterFinish = queue.enqueue(NewJob.builder("p").dedupeKey("invoice-7").build());
    assertFalse(afterFinish.deduplicated());
    assertNotEquals(first.job().id(), afterFinish.job().id());
  }

  @Test
  void dedupeKeysAreHonouredWithinOneBatch() {
    List<EnqueueResult> results =
        queue.enqueueAll(
            List.of(
                NewJob.builder("p").dedupeKey("k").build(),
                NewJob.builder("p").dedupeKey("k").build(),
                NewJob.builder("p").build()));
    assertEquals(results.get(0).job().id(), results.get(1).job().id());
    assertTrue(results.get(1).deduplicated());
    assertEquals(2, queue.list(JobFilter.all()).size());
  }

  @Test
  void dedupeKeysHoldWithinATenantOnly() {
    EnqueueResult acme = queue.enqueue(NewJob.builder("p").tenant("acme").dedupeKey("invoice-7").build());
    EnqueueResult globex = queue.enqueue(NewJob.builder("p").tenant("globex").dedupeKey("invoice-7").build());
    assertFalse(globex.deduplicated(), "another tenant's key is never handed out");
    assertNotEquals(acme.job().id(), globex.job().id());
    List<EnqueueResult> batch =
        queue.enqueueAll(
            List.of(
                NewJob.builder("p").tenant("acme").dedupeKey("invoice-7").build(),
                NewJob.builder("p").tenant("initech").dedupeKey("invoice-7").build()));
    assertEquals(acme.job().id(), batch.get(0).job().id());
    assertTrue(batch.get(0).deduplicated());
    assertFalse(batch.get(1).deduplicated());
    assertEquals("initech", queue.get(batch.get(1).job().id()).tenant());
  }

  @Test
  void anotherTenantsJobIsNotFoundListedCancelledOrRetried() {
    Job acme = queue.enqueue(NewJob.builder("p").tenant("acme").build()).job();
    Job mine = queue.enqueue(NewJob.builder("p").tenant("globex").queue("q2").build()).job();
    assertEquals("acme", queue.get(acme.id()).tenant());
    assertTrue(queue.find("globex", acme.id()).isEmpty());
    assertEquals(mine.id(), queue.find("globex", mine.id()).orElseThrow().id());
    assertThrows(NotFoundException.class, () -> queue.cancel("globex", acme.id()));
    assertEquals(JobStatus.QUEUED, queue.get(acme.id()).status(), "the other tenant's job is untouched");
    queue.cancel("acme", acme.id());
    assertThrows(NotFoundException.class, () -> queue.retry("globex", acme.id()));
    assertEquals(JobStatus.CANCELLED, queue.get(acme.id()).status());
    assertEquals(List.of(mine.id()), queue.list(new JobFilter(null, null, 10, "globex", null)).stream().map(Job::id).toList());
    assertEquals(2, queue.list(JobFilter.all()).size(), "the operator sees every tenant");
    assertEquals(Map.of("queued", 1L), queue.stats("globex").countsByQueue().get("q2"));
    assertFalse(queue.stats("globex").countsByQueue().containsKey("default"));
  }

  @Test
  void listingContinuesAfterTheCursor() {
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(enqueue("p").id());
      clock.advance(Duration.ofMillis(2));
    }
    Collections.reverse(created);
    List<String> first = queue.list(new JobFilter(null, null, 2, null, null)).stream().map(Job::id).toList();
    List<String> second = queue.list(new JobFilter(null, null, 2, null, first.get(1))).stream().map(Job::id).toList();
    List<String> third = queue.list(new JobFilter(null, null, 2, null, second.get(1))).stream().map(Job::id).toList();
    assertEquals(created.subList(0, 2), first);
    assertEquals(created.subList(2, 4), second);
    assertEquals(created.subList(4, 5), third);
  }

  @Test
  void findAllReadsManyJobsAtOnce() {
    Job a = enqueue("p");
    Job b = enqueue("p");
    Set<String> found = new HashSet<>();
    queue.findAll(List.of(a.id(), b.id(), "job_00000000000000000000000000")).forEach(j -> found.add(j.id()));
    assertEquals(Set.of(a.id(), b.id()), found);
    assertTrue(queue.findAll(List.of()).isEmpty());
  }

  @Test
  void retryableFailuresBackOffExponentiallyThenFail() {
    Job job = enqueue("p");
    Lease a1 = claimOne("w");
    assertEquals(JobStatus.RETRYING, queue.fail(a1, Failure.retryable("io", "disk hiccup")));
    assertEquals(clock.now().plusSeconds(5), queue.get(job.id()).runAt());

    clock.advance(Duration.ofSeconds(5));
    Lease a2 = claimOne("w");
    assertEquals(JobStatus.RETRYING, queue.fail(a2, Failure.retryable("io", "disk hiccup again")));
    assertEquals(clock.now().plusSeconds(10), queue.get(job.id()).runAt());

    clock.advance(Duration.ofSeconds(10));
    Lease a3 = claimOne("w");
    assertEquals(JobStatus.FAILED, queue.fail(a3, Failure.retryable("io", "gave up")));
    Job failed = queue.get(job.id());
    assertEquals(JobStatus.FAILED, failed.status());
    assertEquals("gave up", failed.error().message());
    assertTrue(failed.error().retryable());

    List<JobError> errors = queue.errors(job.id());
    assertEquals(List.of(1, 2, 3), errors.stream().map(JobError::attempt).toList());
    assertEquals("disk hiccup", errors.get(0).message());
  }

  @Test
  void permanentFailureFailsAtOnce() {
    Job job = enqueue("p");
    Lease lease = claimOne("w");
    assertEquals(JobStatus.FAILED, queue.fail(lease, Failure.permanent("corrupt_input", "bad.pdf: not a PDF")));
    Job failed = queue.get(job.id());
    assertEquals(1, failed.attempts());
    assertEquals("corrupt_input", failed.error().type());
    assertFalse(failed.error().retryable());
  }

  @Test
  void queuedJobIsCancelledAtOnce() {
    Job job = enqueue("p");
    assertEquals(JobStatus.CANCELLED, queue.cancel(job.id()).status());
    assertTrue(queue.claim("w", List.of(), 1, TTL).isEmpty());
  }

  @Test
  void runningJobIsAskedToStopAndTheWorkerEndsIt() {
    Job job = enqueue("p");
    Lease lease = claimOne("w");
    Job asked = queue.cancel(job.id());
    assertEquals(JobStatus.RUNNING, asked.status());
    assertTrue(asked.cancelRequested());
    assertTrue(queue.heartbeat("w", TTL).get(job.id()).cancelRequested());
    assertTrue(queue.reportProgress(lease, new JobProgress(10, "extract", null)));
    queue.markCancelled(lease);
    assertEquals(JobStatus.CANCELLED, queue.get(job.id()).status());
  }

  @Test
  void finishedJobsCannotBeCancelled() {
    Job job = enqueue("p");
    queue.complete(claimOne("w"), "{}");
    assertThrows(IllegalTransitionException.class, () -> queue.cancel(job.id()));
  }

  @Test
  void failedJobIsRetriedWithAFreshSetOfAttempts() {
    Job job = queue.enqueue(NewJob.builder("p").maxAttempts(1).build()).job();
    queue.fail(claimOne("w"), Failure.permanent("x", "broken"));
    Job requeued = queue.retry(job.id());
    assertEquals(JobStatus.QUEUED, requeued.status());
    assertEquals(0, requeued.attempts());
    Lease again = claimOne("w");
    assertEquals(1, again.attempt());
    queue.complete(again, "{}");
    assertEquals(1, queue.errors(job.id()).size(), "the earlier error is kept");
    assertThrows(IllegalTransitionException.class, () -> queue.retry(job.id()));
  }

  @Test
  void releasedJobGoesBackAtOnceWithoutSpendingAnAttempt() {
    Job job = enqueue("p");
    Lease lease = claimOne("stopping");
    queue.release(lease);
    Job back = queue.get(job.id());
    assertEquals(JobStatus.QUEUED, back.status());
    assertEquals(0, back.attempts());
    assertNull(back.leaseOwner());
    assertEquals(1, claimOne("other").attempt());
  }

  /**
   * Fenced writes name owner and attempt but not the status, so this must hold on every path: a job has a
   * lease owner exactly while it runs.
   */
  @Test
  void aJobHasALeaseOwnerExactlyWhileItRuns() {
    Job completed = enqueue("p");
    Job retried = enqueue("p");
    Job failed = queue.enqueue(NewJob.builder("p").maxAttempts(1).build()).job();
    Job cancelled = enqueue("p");
    Job released = enqueue("p");
    Job expired = enqueue("p");
    java.util.Map<String, Lease> leases = new java.util.HashMap<>();
    for (Lease lease : queue.claim("w", List.of(), 10, TTL)) {
      leases.put(lease.jobId(), lease);
    }
    for (Job job : List.of(completed, retried, failed, cancelled, released, expired)) {
      Job running = queue.get(job.id());
      assertEquals(JobStatus.RUNNING, running.status());
      assertEquals("w", running.leaseOwner());
    }

    queue.complete(leases.get(completed.id()), "{}");
    queue.fail(leases.get(retried.id()), Failure.retryable("io", "flaky"));
    queue.fail(leases.get(failed.id()), Failure.permanent("bad", "broken"));
    queue.cancel(cancelled.id());
    queue.markCancelled(leases.get(cancelled.id()));
    queue.release(leases.get(released.id()));
    clock.advance(TTL.plusSeconds(1));
    assertEquals(1, queue.reclaimExpired());

    for (Job job : List.of(completed, retried, failed, cancelled, released, expired)) {
      Job after = queue.get(job.id());
      assertFalse(after.status() == JobStatus.RUNNING, job.id());
      assertNull(after.leaseOwner(), "owner left on a " + after.status() + " job");
    }
    assertNull(queue.retry(failed.id()).leaseOwner());
    for (Lease lease : leases.values()) {
      assertThrows(LeaseLostException.class, () -> queue.complete(lease, "{\"stale\":true}"));
    }
  }

  @Test
  void liveJobForAFileIgnoresFailedOnes() {
    dev.ingest.core.FileRef file = new dev.ingest.core.FileRef("file_1", "a.txt", 3, "abc", "text/plain", "objects/file_1");
    Job job = queue.enqueue(NewJob.builder("auto").file(file).build()).job();
    assertEquals(job.id(), queue.findLiveForFile("file_1", "auto").orElseThrow().id());
    assertTrue(queue.findLiveForFile("file_1", "other").isEmpty());
    assertEquals("a.txt", queue.get(job.id()).file().name());
    queue.fail(claimOne("w"), Failure.permanent("x", "broken"));
    assertTrue(queue.findLiveForFile("file_1", "auto").isEmpty());
  }

  @Test
  void statsCountByQueueAndStateWithOldestDueAgeAndLiveWorkers() {
    queue.enqueue(NewJob.builder("p").queue("a").build());
    clock.advance(Duration.ofSeconds(30));
    queue.enqueue(NewJob.builder("p").queue("a").build());
    queue.enqueue(NewJob.builder("p").queue("b").build());
    queue.claim("w1", List.of("b"), 1, TTL);
    queue.registerWorker(new WorkerInfo("w1", "host", 1, "b", 2, Duration.ofSeconds(10), clock.now(), clock.now()));
    clock.advance(Duration.ofSeconds(15));

    QueueStats stats = queue.stats();
    assertEquals(Map.of("queued", 2L), stats.countsByQueue().get("a"));
    assertEquals(Map.of("running", 1L), stats.countsByQueue().get("b"));
    assertEquals(Duration.ofSeconds(45), stats.oldestDueAge().get("a"));
    assertEquals(List.of("w1"), stats.liveWorkers().stream().map(WorkerInfo::id).toList());

    clock.advance(Duration.ofMinutes(5));
    assertTrue(queue.stats().liveWorkers().isEmpty(), "a silent worker is no longer live");
  }

  @Test
  void statsCountRecentlyFinishedJobsPerQueue() {
    enqueue("p");
    enqueue("p");
    queue.complete(claimOne("w"), "{}");
    clock.advance(Duration.ofMinutes(3));
    queue.fail(claimOne("w"), Failure.permanent("x", "broken"));
    clock.advance(Duration.ofSeconds(30));
    QueueStats.Throughput t = queue.stats().throughput().get("default");
    assertEquals(new QueueStats.Throughput(1, 2, 2), t);
    clock.advance(Duration.ofMinutes(20));
    assertTrue(queue.stats().throughput().isEmpty());
  }

  @Test
  void drainSeesOnlyDueJobs() {
    Job job = enqueue("p");
    assertEquals(1, queue.countDue(List.of()));
    queue.fail(claimOne("w"), Failure.retryable("x", "later"));
    assertEquals(0, queue.countDue(List.of()));
    clock.advance(Duration.ofSeconds(6));
    assertEquals(1, queue.countDue(List.of()));
    assertEquals(0, queue.countDue(List.of("elsewhere")));
    assertEquals(job.id(), claimOne("w").jobId());
  }

  @Test
  void listFiltersByStatusAndQueueNewestFirst() {
    Job a = enqueue("p");
    clock.advance(Duration.ofSeconds(1));
    Job b = queue.enqueue(NewJob.builder("p").queue("q2").build()).job();
    assertEquals(List.of(b.id(), a.id()), queue.list(JobFilter.all()).stream().map(Job::id).toList());
    assertEquals(List.of(b.id()), queue.list(new JobFilter(null, "q2", 10)).stream().map(Job::id).toList());
    Job done = queue.enqueue(NewJob.builder("p").queue("q3").build()).job();
    queue.complete(queue.claim("w", List.of("q3"), 1, TTL).get(0), "{}");
    assertEquals(List.of(b.id(), a.id()), queue.list(new JobFilter(JobStatus.QUEUED, null, 10)).stream().map(Job::id).toList());
    assertEquals(List.of(done.id()), queue.list(new JobFilter(JobStatus.COMPLETED, null, 10)).stream().map(Job::id).toList());
    assertEquals(List.of(), queue.list(new JobFilter(JobStatus.COMPLETED, "q2", 10)));
    assertEquals(1, queue.list(new JobFilter(null, null, 1)).size());
  }

  @Test
  void aRetryingJobIsCancelledAtOnceAndNeverClaimedAgain() {
    Job job = enqueue("p");
    queue.fail(claimOne("w"), Failure.retryable("flaky", "again"));
    assertEquals(JobStatus.RETRYING, queue.get(job.id()).status());
    assertEquals(JobStatus.CANCELLED, queue.cancel(job.id()).status());
    clock.advance(Duration.ofHours(1));
    assertTrue(queue.claim("w", List.of(), 10, TTL).isEmpty());
  }

  @Test
  void retryIsRefusedWhileAnotherUnfinishedJobHoldsItsDedupeKey() {
    Job first = queue.enqueue(NewJob.builder("p").dedupeKey("invoice-9").build()).job();
    queue.fail(claimOne("w"), Failure.permanent("bad", "no"));
    Job second = queue.enqueue(NewJob.builder("p").dedupeKey("invoice-9").build()).job();
    assertNotEquals(first.id(), second.id(), "the key is free once its job finished");
    InvalidInputException refused = assertThrows(InvalidInputException.class, () -> queue.retry(first.id()));
    assertTrue(refused.getMessage().contains("invoice-9"), refused.getMessage());
    assertEquals(JobStatus.FAILED, queue.get(first.id()).status());
    assertEquals(JobStatus.QUEUED, queue.get(second.id()).status());
  }

  @Test
  void concurrentEnqueuesOfOneDedupeKeyMakeOneJob() throws Exception {
    int n = 8;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
    try {
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<EnqueueResult>> results = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        results.add(pool.submit(() -> {
          go.await();
          return queue.enqueue(NewJob.builder("p").dedupeKey("race").build());
        }));
      }
      go.countDown();
      java.util.Set<String> ids = new java.util.HashSet<>();
      int created = 0;
      for (var f : results) {
        EnqueueResult r = f.get(30, java.util.concurrent.TimeUnit.SECONDS);
        ids.add(r.job().id());
        created += r.deduplicated() ? 0 : 1;
      }
      assertEquals(1, ids.size(), "every caller got the one job");
      assertEquals(1, created);
      assertEquals(1, queue.list(JobFilter.all()).size());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void listShowsJobsCreatedAMillisecondApartNewestFirst() {
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      created.add(enqueue("p").id());
      clock.advance(Duration.ofMillis(1));
    }
    Collections.reverse(created);
    assertEquals(created, queue.list(new JobFilter(null, null, 30)).stream().map(Job::id).toList());
  }

  @Test
  void finishedJobsOlderThanTheCutoffAreFoundAndDeleted() {
    Job old = enqueue("p");
    queue.complete(claimOne("w"), "{}");
    clock.advance(Duration.ofDays(8));
    Job recentDone = enqueue("p");
    queue.complete(claimOne("w"), "{}");
    Job recent = enqueue("p");
    List<String> ids = queue.finishedBefore(clock.now().minus(Duration.ofDays(7)), 100);
    assertEquals(List.of(old.id()), ids);
    assertEquals(1, queue.deleteFinished(List.of(old.id(), recent.id())));
    assertEquals(List.of(), queue.finishedBefore(clock.now().minus(Duration.ofDays(7)), 100));
    assertTrue(queue.find(old.id()).isEmpty());
    assertTrue(queue.find(recent.id()).isPresent(), "unfinished jobs are never deleted");
    assertTrue(queue.find(recentDone.id()).isPresent());
  }

  @Test
  void heartbeatsAndBatchCompletionsOfOneWorkerNeverDeadlock() throws Exception {
    List<NewJob> jobs = new ArrayList<>(Collections.nCopies(400, NewJob.builder("p").build()));
    queue.enqueueAll(jobs);
    List<Lease> leases = new ArrayList<>(queue.claim("w", List.of(), 400, TTL));
    Collections.reverse(leases); // completions arrive in any order
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> beats =
          pool.submit(
              () -> {
                for (int i = 0; i < 40; i++) {
                  queue.heartbeat("w", TTL);
                }
              });
      Future<?> completions =
          pool.submit(
              () -> {
                for (int from = 0; from < leases.size(); from += 50) {
                  List<Completion> batch = new ArrayList<>();
                  for (Lease l : leases.subList(from, from + 50)) {
                    batch.add(new Completion(l, "{}"));
                  }
                  assertTrue(queue.completeAll(batch).isEmpty());
                }
              });
      // why: a deadlock fails this test within a minute instead of hanging the suite
      beats.get(1, java.util.concurrent.TimeUnit.MINUTES);
      completions.get(1, java.util.concurrent.TimeUnit.MINUTES);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(400, queue.list(new JobFilter(JobStatus.COMPLETED, null, 1000)).size());
  }

  @Test
  void batchCompletionReportsTheLeasesThatWereLost() {
    enqueue("p");
    enqueue("p");
    List<Lease> leases = queue.claim("w", List.of(), 2, TTL);
    queue.release(leases.get(1));
    assertEquals(
        Set.of(leases.get(1).jobId()),
        queue.completeAll(List.of(new Completion(leases.get(0), "{}"), new Completion(leases.get(1), "{}"))));
    assertEquals(JobStatus.COMPLETED, queue.get(leases.get(0).jobId()).status());
    assertEquals(JobStatus.QUEUED, queue.get(leases.get(1).jobId()).status());
  }

  @Test
  void bulkEnqueueStoresEveryJob() {
    List<NewJob> jobs = new ArrayList<>(Collections.nCopies(1000, NewJob.builder("noop").build()));
    assertEquals(1000, queue.enqueueAll(jobs).stream().map(r -> r.job().id()).distinct().count());
    assertEquals(1000, queue.countDue(List.of()));
  }

  // ---- events ----------------------------------------------------------------------------------------

  private List<JobEvent> takeEvents() {
    List<JobEvent> seen = new ArrayList<>();
    queue.dispatchEvents(100, e -> {
      seen.add(e);
      return List.of();
    });
    return seen;
  }

  @Test
  void noEventsAreRecordedUntilSomeoneSubscribes() {
    enqueue("auto");
    queue.complete(claimOne("w1"), "{}");
    assertTrue(takeEvents().isEmpty());
  }

  @Test
  void everyPathToATerminalStateRecordsOneEvent() {
    queue.subscribeToEvents("webhooks");
    queue.subscribeToEvents("webhooks"); // idempotent
    Job completed = enqueue("auto");
    queue.complete(claimOne("w1"), "{}");
    Job failed = queue.enqueue(NewJob.builder("auto").build()).job();
    queue.fail(claimOne("w1"), Failure.permanent("bad", "no"));
    Job cancelledQueued = enqueue("auto");
    queue.cancel(cancelledQueued.id());
    Job expired = queue.enqueue(NewJob.builder("auto").maxAttempts(1).build()).job();
    claimOne("w2");
    clock.advance(TTL.plusSeconds(1));
    queue.reclaimExpired();
    Job retried = enqueue("auto");
    queue.fail(claimOne("w1"), Failure.retryable("flaky", "again")); // not terminal: no event

    List<JobEvent> events = takeEvents();
    assertEquals(
        List.of(completed.id() + " completed", failed.id() + " failed", cancelledQueued.id() + " cancelled",
            expired.id() + " failed"),
        events.stream().map(e -> e.jobId() + " " + e.type()).toList());
    assertTrue(events.stream().noneMatch(e -> e.jobId().equals(retried.id())));
    assertTrue(takeEvents().isEmpty(), "dispatched events are gone");
  }

  @Test
  void dispatchEnqueuesTheJobsMadeOfEachEventAndWebhookJobsRaiseNoEventsThemselves() {
    queue.subscribeToEvents("webhooks");
    Job job = enqueue("auto");
    queue.complete(claimOne("w1"), "{}");

    int taken = queue.dispatchEvents(10, e -> List.of(
        NewJob.builder("webhook").meta(Map.of("jobId", e.jobId(), "url", "http://a")).build(),
        NewJob.builder("webhook").meta(Map.of("jobId", e.jobId(), "url", "http://b")).build()));

    assertEquals(1, taken);
    List<Job> deliveries = queue.list(new JobFilter(JobStatus.QUEUED, null, 10));
    assertEquals(2, deliveries.size());
    assertTrue(deliveries.stream().allMatch(d -> d.meta().get("jobId").equals(job.id())));
    queue.complete(claimOne("w1"), "{}");
    queue.complete(claimOne("w1"), "{}");
    assertTrue(takeEvents().isEmpty());
  }

  @Test
  void moreEventsThanOneDispatchTakesAreAllDispatchedOnceInOrder() {
    queue.subscribeToEvents("webhooks");
    List<String> finished = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      Job job = enqueue("auto");
      queue.complete(claimOne("w"), "{}");
      finished.add(job.id());
    }
    List<String> seen = new ArrayList<>();
    List<Integer> batches = new ArrayList<>();
    int taken;
    while ((taken = queue.dispatchEvents(100, e -> {
          seen.add(e.jobId());
          return List.of();
        })) > 0) {
      batches.add(taken);
    }
    assertEquals(List.of(100, 100, 50), batches);
    assertEquals(finished, seen);
  }

  @Test
  void aDispatchThatFailsLeavesItsEventsForTheNextOne() {
    queue.subscribeToEvents("webhooks");
    enqueue("auto");
    queue.complete(claimOne("w1"), "{}");
    assertThrows(IllegalStateException.class, () -> queue.dispatchEvents(10, e -> {
      throw new IllegalStateException("receiver list unreadable");
    }));
    assertEquals(1, takeEvents().size());
  }
}
