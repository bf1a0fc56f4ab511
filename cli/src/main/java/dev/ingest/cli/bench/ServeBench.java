package dev.ingest.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingest.config.IngestConfig;
import dev.ingest.config.IngestRuntime;
import dev.ingest.core.JobProgress;
import dev.ingest.core.NewJob;
import dev.ingest.json.Json;
import dev.ingest.queue.Lease;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP benchmark behind {@code scripts/bench-serve} (its second half): form uploads of one size from many
 * concurrent clients (each with different bytes, so none is deduplicated), job status reads, and the time
 * from a progress write, made through the queue as a worker makes it, to the event stream's client seeing it.
 * Prints one JSON line. The server runs as its own process; this one holds the clients and, for the events,
 * the database of that server.
 */
public final class ServeBench {
  private ServeBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = parse(args);
    String url = opts.get("url");
    String token = opts.get("token");
    int clients = Integer.parseInt(opts.getOrDefault("clients", "50"));
    int uploads = Integer.parseInt(opts.getOrDefault("uploads", "2000"));
    int size = Integer.parseInt(opts.getOrDefault("size", "100000"));
    int gets = Integer.parseInt(opts.getOrDefault("gets", "20000"));
    int events = Integer.parseInt(opts.getOrDefault("events", "200"));
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Executors.newFixedThreadPool(clients)).build();

    // warm-up: the server's JIT, connection pools, the first SQLite pages
    Result warm = uploads(http, url, token, clients, Math.min(uploads, 500), size, 1);
    Result up = uploads(http, url, token, clients, uploads, size, 2);
    Result get = gets(http, url, token, clients, gets, up.jobIds);
    long[] lag = events(http, url, token, opts.get("tenant"), events);
    System.out.printf(Locale.ROOT,
        "{\"clients\":%d,\"upload_bytes\":%d,\"uploads\":%d,\"uploads_per_s\":%.0f,\"upload_ms\":{\"p50\":%.1f,\"p99\":%.1f},"
            + "\"gets\":%d,\"gets_per_s\":%.0f,\"get_ms\":{\"p50\":%.1f,\"p99\":%.1f},\"upload_errors\":%d,"
            + "\"event_lag_ms\":{\"samples\":%d,\"p50\":%.1f,\"p99\":%.1f}}%n",
        clients, size, uploads, up.perSecond(), up.percentile(50), up.percentile(99), gets, get.perSecond(), get.percentile(50),
        get.percentile(99), up.errors.get() + warm.errors.get(), lag.length, percentile(lag, 50), percentile(lag, 99));
    System.exit(0);
  }

  private static final class Result {
    final ConcurrentLinkedQueue<Long> nanos = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> jobIds = new ConcurrentLinkedQueue<>();
    final AtomicLong errors = new AtomicLong();
    long elapsed;

    double perSecond() {
      return nanos.size() / (elapsed / 1e9);
    }

    double percentile(int p) {
      return ServeBench.percentile(nanos.stream().mapToLong(Long::longValue).toArray(), p);
    }
  }

  static double percentile(long[] nanos, int p) {
    if (nanos.length == 0) {
      return 0;
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
  }

  /** One request of a client: returns the job id it made (or null), throws on a failed answer. */
  @FunctionalInterface
  private interface Call {
    String run(int client, int i) throws Exception;
  }

  /** Runs {@code n} calls from {@code clients} threads at once, timing each. */
  private static Result run(int clients, int n, Call call) throws InterruptedException {
    Result r = new Result();
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    CountDownLatch done = new CountDownLatch(clients);
    long start = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      int client = c;
      pool.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < n) {
          try {
            long t0 = System.nanoTime();
            String id = call.run(client, i);
            r.nanos.add(System.nanoTime() - t0);
            if (id != null) {
              r.jobIds.add(id);
            }
          } catch (Exception e) {
            r.errors.incrementAndGet();
          }
        }
        done.countDown();
      });
    }
    done.await();
    r.elapsed = System.nanoTime() - start;
    pool.shutdown();
    return r;
  }

  private static Result uploads(HttpClient http, String url, String token, int clients, int n, int size, long seed)
      throws Exception {
    String boundary = "bench" + seed;
    Random[] randoms = new Random[clients];
    for (int c = 0; c < clients; c++) {
      randoms[c] = new Random(seed * 1000 + c);
    }
    return run(clients, n, (client, i) -> {
      byte[] content = new byte[size];
      randoms[client].nextBytes(content); // why: different bytes each time, so no upload is deduplicated
      ByteArrayOutputStream body = new ByteArrayOutputStream(size + 300);
      body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.bin\"\r\n"
          + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      body.write(content);
      body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
      HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/v1/uploads"))
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", "multipart/form-data; boundary=" + boundary)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 202) {
        throw new IllegalStateException("HTTP " + response.statusCode());
      }
      return Json.MAPPER.readTree(response.body()).path("jobId").asText();
    });
  }

  private static Result gets(HttpClient http, String url, String token, int clients, int n, java.util.Collection<String> ids)
      throws Exception {
    List<String> jobs = new ArrayList<>(ids);
    return run(clients, n, (client, i) -> {
      HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/v1/jobs/" + jobs.get(i % jobs.size())))
          .header("Authorization", "Bearer " + token).build();
      if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
        throw new IllegalStateException("not 200");
      }
      return null;
    });
  }

  /**
   * Writes progress as a worker does (through the queue, on the server's own database) and times its arrival
   * on an event stream: one sample per write, writes spaced a little apart so that none is folded into another.
   */
  private static long[] events(HttpClient http, String url, String token, String tenant, int samples) throws Exception {
    IngestConfig config = IngestConfig.load(Map.of(), System.getenv(), null);
    try (IngestRuntime runtime = IngestRuntime.open(config, 2)) {
      String queue = "bench-events";
      String jobId = runtime.queue().enqueue(NewJob.builder("noop").tenant(tenant).queue(queue).build()).job().id();
      Lease lease = runtime.queue().claim("bench-events", List.of(queue), 1, Duration.ofMinutes(10)).get(0);
      HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/v1/jobs/" + jobId + "/events"))
          .header("Authorization", "Bearer " + token).build();
      HttpResponse<java.io.InputStream> stream = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
      long[] written = new long[101];
      List<Long> lags = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch seen = new CountDownLatch(samples);
      Thread listener = new Thread(() -> {
        try {
          String line;
          while ((line = reader.readLine()) != null) {
            if (line.startsWith("data:")) {
              long now = System.nanoTime();
              JsonNode job = Json.MAPPER.readTree(line.substring(5));
              String message = job.path("progress").path("message").asText("");
              if (message.startsWith("s")) {
                int percent = job.path("progress").path("percent").asInt();
                lags.add(now - written[percent]);
                seen.countDown();
              }
            }
          }
        } catch (Exception e) {
          // the stream closed
        }
      });
      listener.setDaemon(true);
      listener.start();
      Thread.sleep(500);
      Random random = new Random(1);
      for (int i = 0; i < samples; i++) {
        int percent = i % 100 + 1;
        written[percent] = System.nanoTime();
        runtime.queue().reportProgress(lease, new JobProgress(percent, "bench", "s" + i));
        Thread.sleep(150 + random.nextInt(100)); // why: longer than a poll, so each write is its own event
      }
      seen.await(30, TimeUnit.SECONDS);
      runtime.queue().complete(lease, "{}");
      return lags.stream().mapToLong(Long::longValue).toArray();
    }
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> out = new java.util.HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "usage: ServeBench --url URL --token KEY --tenant T [--clients C] [--uploads N] [--size BYTES] [--gets N] [--events N]");
      }
      out.put(args[i].substring(2), args[++i]);
    }
    return out;
  }
}
