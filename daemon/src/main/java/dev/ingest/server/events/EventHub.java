package dev.ingest.server.events;

import dev.ingest.core.Job;
import dev.ingest.json.JobJson;
import dev.ingest.json.Json;
import dev.ingest.queue.JobQueue;
import dev.ingest.server.Exchange;
import dev.ingest.server.ServerMetrics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-Sent Events of jobs. One thread of each server polls the jobs that open streams follow, all in one
 * query every {@code poll}, and writes an event to each stream whose job changed; writes are asynchronous, so
 * an open stream holds no thread. Idle streams get a comment every {@code heartbeat}; a stream ends after its
 * job's terminal event.
 */
public final class EventHub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventHub.class);
  /** Frames a slow client may fall behind by before its stream is closed (it reconnects and resumes). */
  static final int MAX_PENDING = 64;
  static final int RETRY_MILLIS = 2000;

  private final JobQueue queue;
  private final Duration heartbeat;
  private final ServerMetrics metrics;
  private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService poller;

  public EventHub(JobQueue queue, Duration poll, Duration heartbeat, ServerMetrics metrics) {
    this.queue = queue;
    this.heartbeat = heartbeat;
    this.metrics = metrics;
    this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ingest-events");
      t.setDaemon(true);
      return t;
    });
    poller.scheduleWithFixedDelay(this::pollSafely, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Opens a stream of {@code job}'s changes on the exchange. {@code lastEventId} is the id of the last event
   * the client saw: when the job has not changed since, nothing is repeated, and for a finished job the
   * answer is 204, which tells an {@code EventSource} not to reconnect.
   */
  public void open(Exchange ex, Job job, String lastEventId) {
    JobState state = JobState.of(job);
    boolean seen = state.eventId().equals(lastEventId);
    if (seen && job.status().isTerminal()) {
      ex.empty(204);
      return;
    }
    ex.detach();
    Response response = ex.response();
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    response.getHeaders().put("X-Accel-Buffering", "no");
    Stream stream = new Stream(job.id(), response, ex.callback());
    metrics.streamOpened();
    stream.send("retry: " + RETRY_MILLIS + "\n\n", false);
    if (seen) {
      stream.last = state;
    } else {
      stream.event(job, state);
    }
    if (!stream.ended) {
      streams.add(stream);
    }
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException e) {
      // why: the database may be away for a moment; streams stay open and the next poll catches up.
      log.warn("could not read jobs for event streams: {}", e.getMessage());
    }
  }

  private void poll() {
    if (streams.isEmpty()) {
      return;
    }
    Set<String> ids = new java.util.HashSet<>();
    streams.forEach(s -> ids.add(s.jobId));
    Map<String, Job> jobs = new HashMap<>();
    for (Job j : queue.findAll(ids)) {
      jobs.put(j.id(), j);
    }
    long now = System.nanoTime();
    for (Stream s : streams) {
      Job job = jobs.get(s.jobId);
      if (job == null) {
        s.send("event: deleted\ndata: {\"id\":\"" + s.jobId + "\"}\n\n", true);
        continue;
      }
      JobState state = JobState.of(job);
      if (!state.equals(s.last)) {
        s.event(job, state);
      } else if (now - s.lastWrite > heartbeat.toNanos()) {
        s.send(": keep-alive\n\n", false);
      }
    }
    streams.removeIf(s -> s.ended);
  }

  /** One client's stream: frames are written one at a time, in order. */
  private final class Stream {
    final String jobId;
    final Response response;
    final Callback done;
    final ArrayDeque<Frame> pending = new ArrayDeque<>();
    JobState last;
    boolean writing;
    volatile boolean ended;
    volatile long lastWrite = System.nanoTime();

    private record Frame(ByteBuffer bytes, boolean last) {}

    Stream(String jobId, Response response, Callback done) {
      this.jobId = jobId;
      this.response = response;
      this.done = done;
    }

    void event(Job job, JobState state) {
      String name = state.statusChangedFrom(last) ? "status" : "progress";
      last = state;
      boolean terminal = job.status().isTerminal();
      send("id: " + state.eventId() + "\nevent: " + name + "\ndata: " + Json.line(JobJson.job(job)) + "\n\n", terminal);
    }

    void send(String frame, boolean end) {
      synchronized (this) {
        if (ended) {
          return;
        }
        if (end) {
          ended = true;
        }
        if (pending.size() >= MAX_PENDING) {
          ended = true;
          pending.clear();
          pending.add(new Frame(ByteBuffer.allocate(0), true));
        } else {
          pending.add(new Frame(ByteBuffer.wrap(frame.getBytes(StandardCharsets.UTF_8)), end));
        }
        lastWrite = System.nanoTime();
        if (writing) {
          return;
        }
        writing = true;
      }
      writeNext();
    }

    private void writeNext() {
      Frame frame;
      synchronized (this) {
        frame = pending.poll();
        if (frame == null) {
          writing = false;
          return;
        }
      }
      response.write(frame.last(), frame.bytes(), new Callback() {
        @Override
        public void succeeded() {
          if (frame.last()) {
            finish(null);
          } else {
            writeNext();
          }
        }

        @Override
        public void failed(Throwable x) {
          finish(x);
        }
      });
    }

    private void finish(Throwable failure) {
      synchronized (this) {
        ended = true;
        pending.clear();
        writing = false;
      }
      streams.remove(this);
      metrics.streamClosed();
      if (failure == null) {
        done.succeeded();
      } else {
        log.debug("event stream of {} ended: {}", jobId, failure.toString());
        done.failed(failure);
      }
    }
  }

  /** Ends every open stream (server shutdown): clients reconnect elsewhere with their Last-Event-ID. */
  @Override
  public void close() {
    poller.shutdownNow();
    for (Stream s : List.copyOf(streams)) {
      s.send("", true);
    }
  }
}
