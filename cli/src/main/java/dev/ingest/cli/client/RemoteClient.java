package dev.ingest.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.core.Job;
import dev.ingest.core.JobError;
import dev.ingest.core.NotFoundException;
import dev.ingest.deletion.DeleteService;
import dev.ingest.files.StoredFile;
import dev.ingest.json.DeletionJson;
import dev.ingest.json.JobJson;
import dev.ingest.json.Json;
import dev.ingest.json.QueueStatsJson;
import dev.ingest.queue.JobFilter;
import dev.ingest.queue.QueueStats;
import dev.ingest.retention.RetentionService;
import dev.ingest.upload.UploadListener;
import dev.ingest.upload.UploadOutcome;
import dev.ingest.upload.UploadRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The client of a remote {@code ingest serve}: one URL and an API key. Uploads go through tus and resume
 * after an interruption from the server's offset; following a job reads its event stream.
 */
public final class RemoteClient implements IngestClient {
  private static final MediaType JSON = MediaType.get("application/json");

  private final Http http;
  private final TusUploader tus;

  /** {@code stateDir} keeps the upload URLs of unfinished uploads, so a rerun continues them. */
  public RemoteClient(String url, String token, Path stateDir) {
    this.http = new Http(url, token);
    this.tus = new TusUploader(http, stateDir);
  }

  @Override
  public UploadOutcome upload(Path file, UploadRequest request, UploadListener listener) {
    return tus.upload(file, request, listener, this::get);
  }

  @Override
  public Optional<Job> find(String jobId) {
    try {
      return Optional.of(get(jobId));
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public Job get(String jobId) {
    return job(http, jobId);
  }

  static Job job(Http http, String jobId) {
    return JobJson.fromJson(http.json(http.request(http.url("v1/jobs/" + jobId).build()).get().build()));
  }

  @Override
  public List<JobError> errors(String jobId) {
    return JobJson.errorsFromJson(http.json(http.request(http.url("v1/jobs/" + jobId).build()).get().build()));
  }

  @Override
  public List<Job> follow(List<String> jobIds, Consumer<Job> onChange) throws InterruptedException {
    Consumer<Job> serialized = job -> {
      synchronized (onChange) {
        onChange.accept(job);
      }
    };
    if (jobIds.size() == 1) {
      return List.of(new EventStream(http, jobIds.get(0)).follow(serialized));
    }
    ExecutorService threads = Executors.newFixedThreadPool(Math.min(jobIds.size(), 16), r -> {
      Thread t = new Thread(r, "ingest-follow");
      t.setDaemon(true);
      return t;
    });
    try {
      Map<String, Future<Job>> futures = new LinkedHashMap<>();
      for (String id : jobIds) {
        futures.putIfAbsent(id, threads.submit(() -> new EventStream(http, id).follow(serialized)));
      }
      List<Job> done = new ArrayList<>();
      for (String id : jobIds) {
        try {
          done.add(futures.get(id).get());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException) {
            throw (RuntimeException) e.getCause();
          }
          throw new IllegalStateException(e.getCause());
        }
      }
      return done;
    } finally {
      threads.shutdownNow();
    }
  }

  @Override
  public List<Job> await(List<String> jobIds, Collection<String> queues, Consumer<Job> onChange, Consumer<String> note)
      throws InterruptedException {
    return follow(jobIds, onChange);
  }

  @Override
  public Result result(Job job, boolean chunks) {
    Response response = http.send(http.request(http.url("v1/jobs/" + job.id() + (chunks ? "/chunks" : "/result")).build()).get().build());
    String type = response.header("Content-Type", "");
    return new Result(response.body().byteStream(), type.startsWith("application/json"));
  }

  @Override
  public List<Job> list(JobFilter filter) {
    HttpUrl.Builder url = http.url("v1/jobs").addQueryParameter("limit", Integer.toString(Math.min(filter.limit(), 1000)));
    if (filter.status() != null) {
      url.addQueryParameter("status", filter.status().wireName());
    }
    if (filter.queue() != null) {
      url.addQueryParameter("queue", filter.queue());
    }
    List<Job> jobs = new ArrayList<>();
    for (JsonNode j : http.json(http.request(url.build()).get().build()).path("jobs")) {
      jobs.add(JobJson.fromJson(j));
    }
    return jobs;
  }

  @Override
  public Job cancel(String jobId) {
    return steer(jobId, "cancel");
  }

  @Override
  public Job retry(String jobId) {
    return steer(jobId, "retry");
  }

  private Job steer(String jobId, String action) {
    return JobJson.fromJson(
        http.json(http.request(http.url("v1/jobs/" + jobId + "/" + action).build()).post(RequestBody.create(new byte[0])).build()));
  }

  @Override
  public QueueStats stats() {
    return QueueStatsJson.fromJson(http.json(http.request(http.url("v1/queue/stats").build()).get().build()));
  }

  @Override
  public RetentionService.Report cleanup(Duration olderThan, boolean dryRun) {
    ObjectNode body = Json.object();
    body.put("olderThan", olderThan.toMillis() + "ms");
    body.put("dryRun", dryRun);
    JsonNode r = http.json(http.request(http.url("v1/cleanup").build()).post(RequestBody.create(Json.line(body), JSON)).build());
    return new RetentionService.Report(r.path("jobs").asInt(), r.path("files").asInt(), r.path("uploads").asInt());
  }

  @Override
  public DeleteService.Report deleteJobs(List<String> jobIds, Duration wait) {
    jobIds.forEach(this::get); // why: every id is checked before the first is deleted
    return delete("v1/jobs/", jobIds, wait);
  }

  @Override
  public DeleteService.Report deleteFiles(List<String> fileIds, Duration wait) {
    for (String id : fileIds) {
      http.json(http.request(http.url("v1/files/" + id).build()).get().build()); // why: every id checked first
    }
    return delete("v1/files/", fileIds, wait);
  }

  private DeleteService.Report delete(String path, List<String> ids, Duration wait) {
    // why: the server holds the answer while running jobs stop; the read timeout must outlast that wait.
    Http patient = http.withReadTimeout(wait.plusSeconds(30));
    List<String> jobs = new ArrayList<>();
    List<String> files = new ArrayList<>();
    for (String id : ids) {
      HttpUrl url = http.url(path + id).addQueryParameter("wait", wait.toMillis() + "ms").build();
      DeleteService.Report r = DeletionJson.reportFromJson(patient.json(patient.request(url).delete().build()));
      jobs.addAll(r.jobs());
      files.addAll(r.files());
    }
    return new DeleteService.Report(jobs, files, 0, 0);
  }

  @Override
  public List<StoredFile> files(int limit) {
    HttpUrl url = http.url("v1/files").addQueryParameter("limit", Integer.toString(Math.min(limit, 1000))).build();
    List<StoredFile> out = new ArrayList<>();
    for (JsonNode f : http.json(http.request(url).get().build()).path("files")) {
      out.add(DeletionJson.fileFromJson(f));
    }
    return out;
  }

  @Override
  public void close() {
    http.client.dispatcher().executorService().shutdown();
    http.client.connectionPool().evictAll();
  }
}
