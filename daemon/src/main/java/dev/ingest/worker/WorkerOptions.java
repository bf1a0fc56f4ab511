package dev.ingest.worker;

import java.time.Duration;
import java.util.List;

/** How a worker runs. Defaults follow DESIGN.md: lease 30 s, heartbeat a third of it. */
public record WorkerOptions(
    int concurrency,
    List<String> queues,
    Duration leaseTtl,
    Duration heartbeat,
    Duration shutdownGrace,
    boolean drain,
    Duration minPoll,
    Duration maxPoll,
    int prefetch) {

  public static final int DEFAULT_CONCURRENCY = 4;
  public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MIN_POLL = Duration.ofMillis(5);
  public static final Duration DEFAULT_MAX_POLL = Duration.ofMillis(50);
  /** {@code prefetch}: claim ahead as the jobs' lengths call for (see {@code ClaimSizer}); the default. */
  public static final int AUTO = -1;

  public WorkerOptions {
    queues = List.copyOf(queues);
    if (concurrency < 1) {
      throw new dev.ingest.core.InvalidInputException("--concurrency must be at least 1");
    }
    if (prefetch < 0 && prefetch != AUTO) {
      throw new dev.ingest.core.InvalidInputException("--prefetch must not be negative");
    }
    if (heartbeat.compareTo(leaseTtl) >= 0) {
      throw new dev.ingest.core.InvalidInputException("--heartbeat must be shorter than --lease-ttl");
    }
  }

  public static WorkerOptions defaults() {
    return new WorkerOptions(
        DEFAULT_CONCURRENCY, List.of(), DEFAULT_LEASE_TTL, DEFAULT_LEASE_TTL.dividedBy(3), DEFAULT_SHUTDOWN_GRACE,
        false, DEFAULT_MIN_POLL, DEFAULT_MAX_POLL, AUTO);
  }

  /** N threads. */
  public WorkerOptions withConcurrency(int n) {
    return new WorkerOptions(n, queues, leaseTtl, heartbeat, shutdownGrace, drain, minPoll, maxPoll, prefetch);
  }

  public WorkerOptions withPrefetch(int prefetch) {
    return new WorkerOptions(concurrency, queues, leaseTtl, heartbeat, shutdownGrace, drain, minPoll, maxPoll, prefetch);
  }

  public WorkerOptions withDrain(boolean drain) {
    return new WorkerOptions(concurrency, queues, leaseTtl, heartbeat, shutdownGrace, drain, minPoll, maxPoll, prefetch);
  }

  public WorkerOptions withLease(Duration ttl, Duration heartbeat) {
    return new WorkerOptions(concurrency, queues, ttl, heartbeat, shutdownGrace, drain, minPoll, maxPoll, prefetch);
  }

  public WorkerOptions withShutdownGrace(Duration grace) {
    return new WorkerOptions(concurrency, queues, leaseTtl, heartbeat, grace, drain, minPoll, maxPoll, prefetch);
  }

  public WorkerOptions withMaxPoll(Duration maxPoll) {
    return new WorkerOptions(concurrency, queues, leaseTtl, heartbeat, shutdownGrace, drain, minPoll, maxPoll, prefetch);
  }

  public WorkerOptions withQueues(List<String> queues) {
    return new WorkerOptions(concurrency, queues, leaseTtl, heartbeat, shutdownGrace, drain, minPoll, maxPoll, prefetch);
  }
}
