package dev.ingest.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.auth.JobTokens;
import dev.ingest.core.Clock;
import dev.ingest.json.Json;
import dev.ingest.upload.UploadService;
import java.time.Duration;
import java.time.Instant;

/**
 * The object an upload answers with: {@code jobId, fileId, name, size, sha256, status, deduplicated,
 * statusUrl}, plus {@code eventsUrl}, which carries a job token so a browser's {@code EventSource} can
 * follow the job without a key.
 */
public final class UploadResults {
  private final JobTokens tokens;
  private final Clock clock;
  private final Duration tokenTtl;

  public UploadResults(JobTokens tokens, Clock clock, Duration tokenTtl) {
    this.tokens = tokens;
    this.clock = clock;
    this.tokenTtl = tokenTtl;
  }

  public ObjectNode json(Exchange ex, UploadService.Admitted a) {
    ObjectNode o = Json.object();
    String jobId = a.job().id();
    o.put("jobId", jobId);
    o.put("fileId", a.file().id());
    o.put("name", a.file().name());
    o.put("size", a.file().size());
    o.put("sha256", a.file().sha256());
    o.put("status", a.job().status().wireName());
    o.put("deduplicated", a.deduplicated());
    o.put("statusUrl", ex.baseUrl() + "/v1/jobs/" + jobId);
    String token = tokens.issue(a.job().tenant(), jobId, Instant.ofEpochMilli(clock.now().toEpochMilli()).plus(tokenTtl));
    o.put("eventsUrl", ex.baseUrl() + "/v1/jobs/" + jobId + "/events?token=" + token);
    return o;
  }
}
