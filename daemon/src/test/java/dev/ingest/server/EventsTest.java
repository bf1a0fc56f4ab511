package dev.ingest.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingest.core.Job;
import dev.ingest.core.JobProgress;
import dev.ingest.core.NewJob;
import dev.ingest.json.Json;
import dev.ingest.queue.Lease;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Server-Sent Events as the specification and EventSource expect them. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EventsTest {
  @TempDir Path dir;
  ServerHarness h;
  String key;

  @BeforeEach
  void start() throws Exception {
    h = new ServerHarness(dir, Map.of(), o -> new ServerOptions(o.host(), o.port(), false, o.limits(), o.rateLimit(), o.corsOrigins(),
        null, null, o.idleTimeout(), o.shutdownGrace(), o.tusExpiry(), o.tokenTtl(), Duration.ofMillis(20), Duration.ofMillis(300)));
    key = h.key("acme");
  }

  @AfterEach
  void stop() {
    h.close();
  }

  record Event(String id, String name, JsonNode data, String comment) {}

  /** Reads a stream frame by frame. */
  static final class Stream implements AutoCloseable {
    final Response response;
    final BufferedReader reader;

    Stream(Response response) {
      this.response = response;
      this.reader = new BufferedReader(new InputStreamReader(response.body().byteStream(), StandardCharsets.UTF_8));
    }

    /** The next frame: an event, a comment or a retry field; null at the end of the stream. */
    Event next() throws IOException {
      String id = null;
      String name = null;
      StringBuilder data = new StringBuilder();
      String comment = null;
      boolean any = false;
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isEmpty()) {
          if (any) {
            return new Event(id, name, data.length() == 0 ? null : Json.MAPPER.readTree(data.toString()), comment);
          }
          continue;
        }
        any = true;
        if (line.startsWith(":")) {
          comment = line.substring(1).trim();
        } else if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (line.startsWith("event:")) {
          name = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).trim());
        }
      }
      return null;
    }

    Event nextEvent() throws IOException {
      Event e;
      while ((e = next()) != null && e.data() == null) {
        // skip comments and the retry field
      }
      return e;
    }

    @Override
    public void close() {
      response.close();
    }
  }

  private Stream open(String jobId, String lastEventId) throws IOException {
    Request.Builder b = h.request("/v1/jobs/" + jobId + "/events", key);
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    Response r = h.http.newCall(b.build()).execute();
    assertEquals(200, r.code());
    assertTrue(r.header("Content-Type").startsWith("text/event-stream"));
    assertEquals("no-cache", r.header("Cache-Control"));
    return new Stream(r);
  }

  private Job enqueue() {
    return h.runtime.queue().enqueue(NewJob.builder("auto").tenant("acme").build()).job();
  }

  private Lease claim() {
    return h.runtime.queue().claim("w", List.of(), 1, Duration.ofMinutes(1)).get(0);
  }

  @Test
  void everyStatusAndProgressChangeIsOneEventAndTheStreamEndsAfterTheTerminalOne() throws Exception {
    Job job = enqueue();
    try (Stream s = open(job.id(), null)) {
      Event first = s.nextEvent();
      assertEquals("status", first.name());
      assertEquals("queued", first.data().path("status").asText());
      Lease lease = claim();
      Event running = s.nextEvent();
      assertEquals("status", running.name());
      assertEquals("running", running.data().path("status").asText());
      h.runtime.queue().reportProgress(lease, new JobProgress(40, "extract", "page 2"));
      Event progress = s.nextEvent();
      assertEquals("progress", progress.name());
      assertEquals(40, progress.data().path("progress").path("percent").asInt());
      assertEquals("page 2", progress.data().path("progress").path("message").asText());
      h.runtime.queue().complete(lease, "{\"chunks\":3}");
      Event done = s.nextEvent();
      assertEquals("status", done.name());
      assertEquals("completed", done.data().path("status").asText());
      assertEquals(3, done.data().path("result").path("chunks").asInt());
      List<String> ids = List.of(first.id(), running.id(), progress.id(), done.id());
      assertEquals(4, ids.stream().distinct().count(), "every event has its own id");
      assertEquals(null, s.next(), "the stream ends after the terminal event");
    }
  }

  @Test
  void aClientReconnectingWithLastEventIdMissesNothingAndHearsNothingTwice() throws Exception {
    Job job = enqueue();
    String seen;
    try (Stream s = open(job.id(), null)) {
      seen = s.nextEvent().id();
    }
    try (Stream s = open(job.id(), seen)) {
      Lease lease = claim();
      Event next = s.nextEvent();
      assertEquals("running", next.data().path("status").asText(), "the queued state is not repeated");
      seen = next.id();
      h.runtime.queue().reportProgress(lease, new JobProgress(10, "extract", null));
      s.nextEvent();
      // the client drops here, then the job moves on while it is away
      h.runtime.queue().reportProgress(lease, new JobProgress(70, "chunk", null));
    }
    try (Stream s = open(job.id(), seen)) {
      Event caughtUp = s.nextEvent();
      assertEquals(70, caughtUp.data().path("progress").path("percent").asInt(), "the change made while away arrives at once");
      assertNotEquals(seen, caughtUp.id());
    }
  }

  @Test
  void aReconnectAfterTheTerminalEventAnswers204() throws Exception {
    Job job = enqueue();
    h.runtime.queue().cancel(job.id());
    String last;
    try (Stream s = open(job.id(), null)) {
      Event e = s.nextEvent();
      assertEquals("cancelled", e.data().path("status").asText());
      last = e.id();
    }
    try (Response r = h.http.newCall(h.request("/v1/jobs/" + job.id() + "/events", key).header("Last-Event-ID", last).build()).execute()) {
      assertEquals(204, r.code(), "tells EventSource not to reconnect");
    }
  }

  @Test
  void anIdleStreamGetsHeartbeatComments() throws Exception {
    Job job = enqueue();
    try (Stream s = open(job.id(), null)) {
      s.nextEvent();
      List<String> comments = new ArrayList<>();
      while (comments.size() < 2) {
        Event e = s.next();
        if (e.comment() != null) {
          comments.add(e.comment());
        }
      }
      assertEquals(List.of("keep-alive", "keep-alive"), comments);
    }
  }

  @Test
  void aJobTokenOpensTheStreamWithoutAKeyAsEventSourceDoes() throws Exception {
    Job job = enqueue();
    String eventsUrl = ServerHarness.read(h.post("/v1/jobs/" + job.id() + "/token", key, "")).body().path("eventsUrl").asText();
    try (Response r = h.http.newCall(new Request.Builder().url(eventsUrl).build()).execute()) {
      assertEquals(200, r.code());
      try (Stream s = new Stream(r)) {
        assertEquals(job.id(), s.nextEvent().data().path("id").asText());
      }
    }
    try (Response r = h.http.newCall(new Request.Builder().url(eventsUrl + "tampered").build()).execute()) {
      assertEquals(401, r.code());
    }
  }
}
