package dev.ingest.queue.sql;

import dev.ingest.core.Clock;
import dev.ingest.core.Job;
import dev.ingest.core.JobError;
import dev.ingest.core.JobProgress;
import dev.ingest.core.JobStatus;
import dev.ingest.core.NewJob;
import dev.ingest.core.RetryPolicy;
import dev.ingest.queue.Completion;
import dev.ingest.queue.EnqueueResult;
import dev.ingest.queue.Failure;
import dev.ingest.queue.JobEvent;
import dev.ingest.queue.JobFilter;
import dev.ingest.queue.JobQueue;
import dev.ingest.queue.Lease;
import dev.ingest.queue.LeaseState;
import dev.ingest.queue.QueueStats;
import dev.ingest.queue.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * {@link JobQueue} on a SQL database through Jdbi; engine differences come from {@link SqlDialect}. The work
 * is done by one piece per concern, each over the same database and clock: {@link SqlEnqueue},
 * {@link SqlJobReads}, {@link SqlLeases} (claim, heartbeat, reclaim), {@link SqlOutcomes} (progress and the
 * ends of attempts), {@link SqlJobAdmin} (steering, statistics, upkeep) and {@link SqlEventOutbox}.
 */
public final class SqlJobQueue implements JobQueue {
  /** The newest jobs first (ids sort as jobs were created): what listings run. */
  static final String LIST_NEWEST = SqlJobReads.LIST_NEWEST;
  /** Leases past their expiry, found through the small index of running jobs. */
  static final String EXPIRED_LEASES = SqlLeases.EXPIRED_LEASES;

  private final SqlEnqueue enqueue;
  private final SqlJobReads reads;
  private final SqlLeases leases;
  private final SqlOutcomes outcomes;
  private final SqlJobAdmin admin;
  private final SqlEventOutbox events;

  public SqlJobQueue(Database db, Clock clock, RetryPolicy retryPolicy) {
    this(db, clock, retryPolicy, () -> ThreadLocalRandom.current().nextDouble());
  }

  public SqlJobQueue(Database db, Clock clock, RetryPolicy retryPolicy, DoubleSupplier random) {
    this.enqueue = new SqlEnqueue(db, clock, retryPolicy, random);
    this.reads = new SqlJobReads(db, clock, retryPolicy, random);
    this.leases = new SqlLeases(db, clock, retryPolicy, random);
    this.outcomes = new SqlOutcomes(db, clock, retryPolicy, random, enqueue);
    this.admin = new SqlJobAdmin(db, clock, retryPolicy, random, reads);
    this.events = new SqlEventOutbox(db, clock, retryPolicy, random, enqueue);
  }

  /** The fence of a worker's writes about a job, as the plan tests run it. */
  static String fence() {
    return SqlQueuePart.fence();
  }

  @Override
  public EnqueueResult enqueue(NewJob job) {
    return enqueue.enqueue(job);
  }

  @Override
  public List<EnqueueResult> enqueueAll(List<NewJob> jobs) {
    return enqueue.enqueueAll(jobs);
  }

  @Override
  public Optional<Job> find(String tenant, String jobId) {
    return reads.find(tenant, jobId);
  }

  @Override
  public List<Job> findAll(Collection<String> jobIds) {
    return reads.findAll(jobIds);
  }

  @Override
  public Optional<Job> findLiveForFile(String fileId, String pipeline) {
    return reads.findLiveForFile(fileId, pipeline);
  }

  @Override
  public List<Job> list(JobFilter filter) {
    return reads.list(filter);
  }

  @Override
  public List<JobError> errors(String jobId) {
    return reads.errors(jobId);
  }

  @Override
  public List<Lease> claim(String owner, Collection<String> queues, int max, Duration ttl) {
    return leases.claim(owner, queues, max, ttl);
  }

  @Override
  public Map<String, LeaseState> heartbeat(String owner, Duration ttl) {
    return leases.heartbeat(owner, ttl);
  }

  @Override
  public int reclaimExpired() {
    return leases.reclaimExpired();
  }

  @Override
  public boolean reportProgress(Lease lease, JobProgress progress) {
    return outcomes.reportProgress(lease, progress);
  }

  @Override
  public void complete(Lease lease, String resultJson) {
    outcomes.complete(lease, resultJson);
  }

  @Override
  public Set<String> completeAll(List<Completion> completions) {
    return outcomes.completeAll(completions);
  }

  @Override
  public JobStatus fail(Lease lease, Failure failure) {
    return outcomes.fail(lease, failure);
  }

  @Override
  public void markCancelled(Lease lease) {
    outcomes.markCancelled(lease);
  }

  @Override
  public void release(Lease lease) {
    outcomes.release(lease);
  }

  @Override
  public Job cancel(String tenant, String jobId) {
    return admin.cancel(tenant, jobId);
  }

  @Override
  public Job retry(String tenant, String jobId) {
    return admin.retry(tenant, jobId);
  }

  @Override
  public long countDue(Collection<String> queues) {
    return admin.countDue(queues);
  }

  @Override
  public QueueStats stats(String tenant) {
    return admin.stats(tenant);
  }

  @Override
  public void registerWorker(WorkerInfo worker) {
    admin.registerWorker(worker);
  }

  @Override
  public void unregisterWorker(String workerId) {
    admin.unregisterWorker(workerId);
  }

  @Override
  public List<String> finishedBefore(String tenant, Instant cutoff, int limit) {
    return admin.finishedBefore(tenant, cutoff, limit);
  }

  @Override
  public int deleteFinished(Collection<String> jobIds) {
    return admin.deleteFinished(jobIds);
  }

  @Override
  public void subscribeToEvents(String name) {
    events.subscribeToEvents(name);
  }

  @Override
  public int dispatchEvents(int max, Function<JobEvent, List<NewJob>> toJobs) {
    return events.dispatchEvents(max, toJobs);
  }
}
