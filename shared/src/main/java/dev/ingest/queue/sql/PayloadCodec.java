package dev.ingest.queue.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.core.FileRef;
import java.util.LinkedHashMap;
import java.util.Map;

/** The job's file reference and metadata, kept as one JSON column. */
final class PayloadCodec {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PayloadCodec() {}

  static String encode(FileRef file, Map<String, String> meta) {
    ObjectNode root = JSON.createObjectNode();
    if (file != null) {
      ObjectNode f = root.putObject("file");
      f.put("id", file.id());
      f.put("name", file.name());
      f.put("size", file.size());
      f.put("sha256", file.sha256());
      f.put("mimeType", file.mimeType());
      f.put("blobKey", file.blobKey());
    }
    if (meta != null && !meta.isEmpty()) {
      ObjectNode m = root.putObject("meta");
      meta.forEach(m::put);
    }
    return root.toString();
  }

  /** The file and metadata of a payload, parsed once. */
  record Decoded(FileRef file, Map<String, String> meta) {}

  static Decoded decode(String payload) {
    JsonNode root = parse(payload);
    return new Decoded(file(root), meta(root));
  }

  private static FileRef file(JsonNode root) {
    JsonNode f = root.get("file");
    if (f == null || f.isNull()) {
      return null;
    }
    return new FileRef(
        text(f, "id"), text(f, "name"), f.path("size").asLong(), text(f, "sha256"), text(f, "mimeType"),
        text(f, "blobKey"));
  }

  private static Map<String, String> meta(JsonNode root) {
    JsonNode m = root.get("meta");
    Map<String, String> out = new LinkedHashMap<>();
    if (m != null) {
      m.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    }
    return out;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static JsonNode parse(String payload) {
    if (payload == null || payload.isEmpty()) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable job payload", e);
    }
  }
}
