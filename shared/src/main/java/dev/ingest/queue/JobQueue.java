package dev.ingest.queue;

import dev.ingest.core.Job;
import dev.ingest.core.JobError;
import dev.ingest.core.JobProgress;
import dev.ingest.core.JobStatus;
import dev.ingest.core.NewJob;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The durable job queue. Workers claim due jobs under a lease, keep the lease alive with heartbeats and
 * report the outcome; every write a worker makes about a job is fenced by its lease (owner + attempt), so a
 * worker that lost its lease cannot overwrite what another worker did.
 */
public interface JobQueue {

  /** Adds a job, or returns the unfinished job that already holds the same dedupe key. */
  EnqueueResult enqueue(NewJob job);

  /** Adds many jobs in one transaction; dedupe keys are honoured as in {@link #enqueue}. */
  List<EnqueueResult> enqueueAll(List<NewJob> jobs);

  /** The job, whoever's it is (the operator's view). */
  default Optional<Job> find(String jobId) {
    return find(null, jobId);
  }

  /**
   * The job if it belongs to {@code tenant}; any tenant's when {@code tenant} is null. Another tenant's job
   * is not found, exactly as an unknown id.
   */
  Optional<Job> find(String tenant, String jobId);

  /** The jobs of these ids that exist, in no particular order (one query, for watchers of many jobs). */
  List<Job> findAll(Collection<String> jobIds);

  /** The job, or {@link dev.ingest.core.NotFoundException}. */
  default Job get(String jobId) {
    return get(null, jobId);
  }

  /** The job of this tenant (any when null), or {@link dev.ingest.core.NotFoundException}. */
  default Job get(String tenant, String jobId) {
    return find(tenant, jobId).orElseThrow(() -> new dev.ingest.core.NotFoundException("no job " + jobId));
  }

  /** The newest job of this pipeline over this file that is not failed or cancelled. */
  Optional<Job> findLiveForFile(String fileId, String pipeline);

  List<Job> list(JobFilter filter);

  /** Every attempt's error, oldest first. */
  List<JobError> errors(String jobId);

  /**
   * Atomically claims up to {@code max} due jobs from the given queues (all queues when empty), highest
   * priority first, then earliest due. Each claim increments the job's attempts.
   */
  List<Lease> claim(String owner, Collection<String> queues, int max, Duration ttl);

  /** Extends every lease {@code owner} holds; returns what the queue still knows of each. */
  Map<String, LeaseState> heartbeat(String owner, Duration ttl);

  /** Records progress; returns whether cancellation was requested. Throws if the lease was lost. */
  boolean reportProgress(Lease lease, JobProgress progress);

  void complete(Lease lease, String resultJson);

  /**
   * Completes many attempts in one transaction; returns the ids of those whose lease was lost (their
   * outcome is not recorded).
   */
  java.util.Set<String> completeAll(List<Completion> completions);

  /** Ends the attempt with an error: back off and retry when allowed, otherwise fail. Returns the new state. */
  JobStatus fail(Lease lease, Failure failure);

  /** Ends a running job whose cancellation was requested. */
  void markCancelled(Lease lease);

  /** Hands a running job back to the queue at once, without spending the attempt (worker shutdown). */
  void release(Lease lease);

  /** Puts jobs whose lease expired back to the queue with backoff, or fails them when attempts are spent. */
  int reclaimExpired();

  /** Cancels a queued or retrying job at once; asks a running job to stop. */
  default Job cancel(String jobId) {
    return cancel(null, jobId);
  }

  /** {@link #cancel(String)} for a job of this tenant (any when null); another tenant's job is not found. */
  Job cancel(String tenant, String jobId);

  /** Re-queues a failed or cancelled job with a fresh set of attempts. */
  default Job retry(String jobId) {
    return retry(null, jobId);
  }

  /** {@link #retry(String)} for a job of this tenant (any when null); another tenant's job is not found. */
  Job retry(String tenant, String jobId);

  /** Jobs that are due now in the given queues (all when empty). */
  long countDue(Collection<String> queues);

  default QueueStats stats() {
    return stats(null);
  }

  /** Counts of this tenant's jobs (every tenant's when null); live workers are everyone's. */
  QueueStats stats(String tenant);

  void registerWorker(WorkerInfo worker);

  void unregisterWorker(String workerId);

  /** Ids of up to {@code limit} jobs that finished before the cutoff, oldest first. */
  default List<String> finishedBefore(java.time.Instant cutoff, int limit) {
    return finishedBefore(null, cutoff, limit);
  }

  /** {@link #finishedBefore(java.time.Instant, int)} among this tenant's jobs (every tenant's when null). */
  List<String> finishedBefore(String tenant, java.time.Instant cutoff, int limit);

  /** Deletes finished jobs (and their errors); unfinished ones among the ids are left alone. */
  int deleteFinished(Collection<String> jobIds);

  /**
   * From now on, record an event whenever a job (other than a webhook delivery) reaches a terminal state.
   * Idempotent; {@code name} says who listens (e.g. {@code webhooks}).
   */
  void subscribeToEvents(String name);

  /**
   * Takes up to {@code max} recorded events, oldest first, and in the same transaction enqueues the jobs
   * {@code toJobs} makes of each, so an event is never lost nor turned into jobs twice. Returns how many
   * events were taken. Concurrent dispatchers take different events.
   */
  int dispatchEvents(int max, java.util.function.Function<JobEvent, List<NewJob>> toJobs);
}
