package dev.ingest.cli.client;

import dev.ingest.core.Job;
import dev.ingest.core.NotFoundException;
import dev.ingest.core.UnavailableException;
import dev.ingest.json.JobJson;
import dev.ingest.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Follows one job over {@code GET /v1/jobs/{id}/events}: every event's job goes to the listener, until the
 * job's terminal event. A dropped stream (a server restarted, a proxy timed out) is opened again with
 * {@code Last-Event-ID}, so no change is missed; the server's 204 says the last event seen was the end.
 */
final class EventStream {
  static final Duration GIVE_UP_AFTER = Duration.ofMinutes(2);

  private final Http http;
  private final String jobId;

  EventStream(Http http, String jobId) {
    this.http = http;
    this.jobId = jobId;
  }

  /** Returns the job as it finished. */
  Job follow(Consumer<Job> onChange) throws InterruptedException {
    String lastId = null;
    Job last = null;
    long failingSince = 0;
    long backoff = 250;
    while (true) {
      Request.Builder request = http.request(http.url("v1/jobs/" + jobId + "/events").build()).header("Accept", "text/event-stream");
      if (lastId != null) {
        request.header("Last-Event-ID", lastId);
      }
      try (Response response = http.client.newBuilder().readTimeout(Duration.ofSeconds(90)).build().newCall(request.build()).execute()) {
        if (response.code() == 204) {
          return last != null ? last : RemoteClient.job(http, jobId);
        }
        if (!response.isSuccessful()) {
          RuntimeException e = http.error(response);
          if (e instanceof UnavailableException && ((UnavailableException) e).retryable() && response.code() >= 500) {
            throw new IOException(e.getMessage());
          }
          throw e;
        }
        failingSince = 0;
        backoff = 250;
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.body().byteStream(), StandardCharsets.UTF_8));
        String id = null;
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = reader.readLine()) != null) {
          if (line.isEmpty()) {
            if (data.length() > 0) {
              Job job = JobJson.fromJson(Json.MAPPER.readTree(data.toString()));
              if (id != null) {
                lastId = id;
              }
              last = job;
              onChange.accept(job);
              if (job.status().isTerminal()) {
                return job;
              }
            }
            id = null;
            data.setLength(0);
          } else if (line.startsWith("id:")) {
            id = line.substring(3).trim();
          } else if (line.startsWith("data:")) {
            if (data.length() > 0) {
              data.append('\n');
            }
            data.append(line.substring(5).stripLeading());
          } else if (line.startsWith("event: deleted")) {
            throw new NotFoundException("job " + jobId + " was deleted");
          }
        }
      } catch (IOException e) {
        long now = System.nanoTime();
        if (failingSince == 0) {
          failingSince = now;
        } else if (now - failingSince > GIVE_UP_AFTER.toNanos()) {
          throw new UnavailableException("lost the server " + http.redacted() + " while following " + jobId + ": " + e.getMessage(), e);
        }
      }
      Thread.sleep(backoff);
      backoff = Math.min(5000, backoff * 2);
    }
  }
}
