package dev.ingest.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.core.FileRef;
import dev.ingest.deletion.DeleteService;
import dev.ingest.files.StoredFile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Stored files and deletion reports as {@code --json} prints them and the HTTP API answers. */
public final class DeletionJson {
  private DeletionJson() {}

  /** {@code id, name, size, sha256, mimeType, createdAt, jobs} (and {@code tenant}). */
  public static ObjectNode file(StoredFile f) {
    ObjectNode o = Json.object();
    o.put("id", f.file().id());
    o.put("name", f.file().name());
    o.put("size", f.file().size());
    o.put("sha256", f.file().sha256());
    o.put("mimeType", f.file().mimeType());
    o.put("createdAt", f.createdAt().toString());
    o.put("jobs", f.jobs());
    o.put("tenant", f.tenant());
    return o;
  }

  public static StoredFile fileFromJson(JsonNode o) {
    return new StoredFile(
        new FileRef(o.path("id").asText(), o.path("name").asText(), o.path("size").asLong(), o.path("sha256").asText(null),
            o.path("mimeType").asText(null), null),
        o.path("tenant").asText(null), Instant.parse(o.path("createdAt").asText()), o.path("jobs").asInt());
  }

  /** {@code {"jobs": [ids], "files": [ids]}}: what a delete removed. */
  public static ObjectNode report(DeleteService.Report r) {
    ObjectNode o = Json.object();
    r.jobs().forEach(o.putArray("jobs")::add);
    r.files().forEach(o.putArray("files")::add);
    return o;
  }

  public static DeleteService.Report reportFromJson(JsonNode o) {
    return new DeleteService.Report(strings(o.path("jobs")), strings(o.path("files")), 0, 0);
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
