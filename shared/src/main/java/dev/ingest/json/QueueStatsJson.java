package dev.ingest.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.queue.QueueStats;
import dev.ingest.queue.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The {@code queue stats --json} object, also what {@code GET /v1/queue/stats} answers; a contract for scripts. */
public final class QueueStatsJson {
  private QueueStatsJson() {}

  public static ObjectNode toJson(QueueStats stats) {
    ObjectNode o = Json.object();
    ObjectNode queues = o.putObject("queues");
    stats.countsByQueue().forEach((q, counts) -> {
      ObjectNode node = queues.putObject(q);
      counts.forEach(node::put);
      Duration age = stats.oldestDueAge().get(q);
      node.put("oldestDueAgeMs", age == null ? 0 : age.toMillis());
      var t = stats.throughput().get(q);
      ObjectNode finished = node.putObject("finished");
      finished.put("lastMinute", t == null ? 0 : t.lastMinute());
      finished.put("last5Minutes", t == null ? 0 : t.last5Minutes());
      finished.put("last15Minutes", t == null ? 0 : t.last15Minutes());
    });
    var workers = o.putArray("workers");
    for (WorkerInfo w : stats.liveWorkers()) {
      ObjectNode node = workers.addObject();
      node.put("id", w.id());
      node.put("host", w.host());
      node.put("pid", w.pid());
      node.put("queues", w.queues());
      node.put("concurrency", w.concurrency());
      node.put("startedAt", w.startedAt().toString());
      node.put("lastSeen", w.lastSeen().toString());
    }
    return o;
  }

  /** The statistics an object of {@link #toJson} describes (the remote CLI reads the server's answer). */
  public static QueueStats fromJson(JsonNode o) {
    Map<String, Map<String, Long>> counts = new TreeMap<>();
    Map<String, Duration> oldest = new TreeMap<>();
    Map<String, QueueStats.Throughput> throughput = new TreeMap<>();
    o.path("queues").fields().forEachRemaining(q -> {
      Map<String, Long> byStatus = new TreeMap<>();
      q.getValue().fields().forEachRemaining(f -> {
        if (f.getValue().isNumber() && !f.getKey().equals("oldestDueAgeMs")) {
          byStatus.put(f.getKey(), f.getValue().asLong());
        }
      });
      counts.put(q.getKey(), byStatus);
      long age = q.getValue().path("oldestDueAgeMs").asLong();
      if (age > 0) {
        oldest.put(q.getKey(), Duration.ofMillis(age));
      }
      JsonNode f = q.getValue().path("finished");
      if (f.isObject()) {
        throughput.put(q.getKey(), new QueueStats.Throughput(
            f.path("lastMinute").asLong(), f.path("last5Minutes").asLong(), f.path("last15Minutes").asLong()));
      }
    });
    List<WorkerInfo> workers = new ArrayList<>();
    for (JsonNode w : o.path("workers")) {
      workers.add(new WorkerInfo(
          w.path("id").asText(), w.path("host").asText(), w.path("pid").asLong(), w.path("queues").asText(),
          w.path("concurrency").asInt(), Duration.ZERO, Instant.parse(w.path("startedAt").asText()),
          Instant.parse(w.path("lastSeen").asText())));
    }
    return new QueueStats(counts, oldest, workers, throughput);
  }
}
