package dev.ingest.cli.bench;

import dev.ingest.core.Clock;
import dev.ingest.core.Ids;
import dev.ingest.core.NewJob;
import dev.ingest.core.RetryPolicy;
import dev.ingest.queue.sql.Database;
import dev.ingest.queue.sql.SqlJobQueue;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The queue benchmark behind {@code scripts/bench-queue}: bulk enqueue rate, processing rate of K worker
 * processes of this jar on no-op jobs, and pickup latency of single jobs on an idle worker. Prints one JSON
 * line at the end. Jobs go to a queue of their own, so a shared database is not disturbed.
 *
 * <p>Workers are long-running processes, so the processing rate is taken once they are warm: {@code --warmup W}
 * higher-priority jobs (20,000 by default) are enqueued after the measured ones and run first; the rate counts
 * the measured jobs only. In a ten-second run the JIT compilers of cold worker JVMs took a third of the
 * machine's CPU (perf), which a worker pays once per start, not per job. {@code --warmup 0} measures cold.
 */
public final class QueueBench {
  private static final int WARMUP_PRIORITY = 10;

  private QueueBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = parse(args);
    int jobs = Integer.parseInt(opts.getOrDefault("jobs", "20000"));
    int workers = Integer.parseInt(opts.getOrDefault("workers", "3"));
    int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "4"));
    int samples = Integer.parseInt(opts.getOrDefault("samples", "200"));
    String prefetch = opts.getOrDefault("prefetch", "auto");
    List<String> workerJvm = List.of(opts.getOrDefault("worker-jvm", "").trim().split("\\s+")).stream()
        .filter(o -> !o.isEmpty()).toList();
    Path home = Files.createTempDirectory("ingest-bench-");
    String db = opts.getOrDefault("db", "sqlite:" + home.resolve("bench.db"));
    String queue = "bench_" + Ids.generate("", System.currentTimeMillis()).substring(10, 20);
    String jar = new File(QueueBench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();

    try (Database database = Database.open(db, 4)) {
      SqlJobQueue q = new SqlJobQueue(database, Clock.SYSTEM, RetryPolicy.DEFAULT);
      String backend = database.dialect().name();
      int finished = Integer.parseInt(opts.getOrDefault("finished", "0"));
      if (finished > 0) {
        prefillFinished(q, database, queue + "_done", finished);
      }

      long t0 = System.nanoTime();
      List<NewJob> batch = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        batch.add(NewJob.builder("noop").queue(queue).build());
        if (batch.size() == 1000) {
          q.enqueueAll(batch);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        q.enqueueAll(batch);
      }
      double enqueueSeconds = (System.nanoTime() - t0) / 1e9;
      log("enqueued %d jobs in %.2f s", jobs, enqueueSeconds);
      int warmup = Integer.parseInt(opts.getOrDefault("warmup", "20000"));
      batch.clear();
      for (int i = 0; i < warmup; i++) {
        // why: claimed before every measured job (higher priority), so they warm the workers up first.
        batch.add(NewJob.builder("noop").queue(queue).priority(WARMUP_PRIORITY).build());
        if (batch.size() == 1000 || i == warmup - 1) {
          q.enqueueAll(batch);
          batch.clear();
        }
      }

      List<Process> procs = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        procs.add(worker(jar, workerJvm, db, home, queue, concurrency, prefetch, i));
      }
      while (unfinished(database, queue)) {
        Thread.sleep(200);
        for (Process p : procs) {
          if (!p.isAlive()) {
            throw new IllegalStateException("a worker died; see " + home);
          }
        }
      }
      long[] span =
          database.withHandle(
              h -> h.createQuery(
                      "SELECT MIN(started_at) AS a, MAX(finished_at) AS b FROM jobs WHERE queue = :q AND priority = 0")
                  .bind("q", queue)
                  .map((rs, ctx) -> new long[] {rs.getLong("a"), rs.getLong("b")})
                  .one());
      double processSeconds = Math.max(1, span[1] - span[0]) / 1000.0;
      log("%d workers x %d completed %d jobs in %.2f s", workers, concurrency, jobs, processSeconds);
      for (int i = 1; i < procs.size(); i++) {
        procs.get(i).destroy();
      }

      long[] latencies = new long[samples];
      for (int i = 0; i < samples; i++) {
        Thread.sleep(20 + (i * 7) % 30); // idle gaps of 20-50 ms, as single jobs arrive
        String id = q.enqueue(NewJob.builder("noop").queue(queue).build()).job().id();
        long[] times;
        do {
          Thread.sleep(1);
          times =
              database.withHandle(
                  h -> h.createQuery("SELECT created_at, started_at FROM jobs WHERE id = :id")
                      .bind("id", id)
                      .map((rs, ctx) -> new long[] {rs.getLong("created_at"), rs.getLong("started_at")})
                      .one());
        } while (times[1] == 0);
        latencies[i] = times[1] - times[0];
      }
      Arrays.sort(latencies);
      for (Process p : procs) {
        p.destroy();
        p.waitFor(30, TimeUnit.SECONDS);
      }
      System.out.printf(
          Locale.ROOT,
          "{\"backend\":\"%s\",\"jobs\":%d,\"workers\":%d,\"concurrency\":%d,\"finished_rows\":%d,"
              + "\"enqueue_jobs_per_s\":%.0f,"
              + "\"process_jobs_per_s\":%.0f,\"latency_ms\":{\"p50\":%d,\"p95\":%d,\"p99\":%d}}%n",
          backend, jobs, workers, concurrency, finished, jobs / enqueueSeconds, jobs / processSeconds,
          pct(latencies, 50), pct(latencies, 95), pct(latencies, 99));
    }
  }

  /** Piles up finished jobs, as a long-running installation has, to show the claim path ignores them. */
  private static void prefillFinished(SqlJobQueue q, Database database, String queue, int n) {
    long t0 = System.nanoTime();
    List<NewJob> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(NewJob.builder("noop").queue(queue).build());
      if (batch.size() == 5000 || i == n - 1) {
        q.enqueueAll(batch);
        batch.clear();
      }
    }
    long now = System.currentTimeMillis();
    database.withHandle(
        h -> h.createUpdate("UPDATE jobs SET status = 'completed', finished_at = :now, attempts = 1 WHERE queue = :q")
            .bind("now", now)
            .bind("q", queue)
            .execute());
    // why: a bulk update leaves a million dead index entries that autovacuum would clear within a minute in
    // a real installation; clear them now so the run measures the steady state, not the vacuum backlog.
    try {
      database.jdbi().useHandle(h -> h.execute("VACUUM ANALYZE jobs"));
    } catch (RuntimeException notPostgres) {
      database.jdbi().useHandle(h -> h.execute("ANALYZE"));
    }
    log("prefilled %d finished jobs in %.1f s", n, (System.nanoTime() - t0) / 1e9);
  }

  private static Process worker(
      String jar, List<String> jvm, String db, Path home, String queue, int concurrency, String prefetch, int n)
      throws Exception {
    // why: the JVM options of scripts/ingest-worker.service, as the workers run when deployed, plus any given
    List<String> cmd = new java.util.ArrayList<>(
        List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC"));
    cmd.addAll(jvm);
    cmd.addAll(List.of("-jar", jar, "worker", "--db", db, "--store", "file:" + home.resolve("blobs"), "--queue", queue,
        "--concurrency", String.valueOf(concurrency), "--prefetch", prefetch));
    return new ProcessBuilder(cmd)
        .redirectOutput(home.resolve("worker-" + n + ".out").toFile())
        .redirectError(home.resolve("worker-" + n + ".err").toFile())
        .start();
  }

  /** Whether any job of the queue is still to finish; cheap (partial indexes), unlike counting the finished. */
  private static boolean unfinished(Database db, String queue) {
    // why: one query per partial index (due jobs, running jobs); a single IN over both would scan history.
    return db.withHandle(
        h -> h.createQuery("SELECT 1 FROM jobs WHERE status IN ('queued', 'retrying') AND queue = :q LIMIT 1")
                .bind("q", queue)
                .mapTo(Integer.class)
                .findFirst()
                .isPresent()
            || h.createQuery(
                    "SELECT 1 FROM jobs WHERE status = 'running' AND lease_expires_at IS NOT NULL AND queue = :q LIMIT 1")
                .bind("q", queue)
                .mapTo(Integer.class)
                .findFirst()
                .isPresent());
  }

  private static long pct(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  private static void log(String format, Object... args) {
    System.err.printf(Locale.ROOT, format + "%n", args);
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> out = new java.util.HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("usage: bench-queue [--db URL] [--jobs N] [--workers K] [--concurrency C] [--prefetch P] [--samples S] [--finished N] [--warmup W]");
      }
      out.put(args[i].substring(2), args[++i]);
    }
    return out;
  }
}
