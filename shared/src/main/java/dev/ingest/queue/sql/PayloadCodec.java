package dev.ingest.queue.sql;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.ingest.core.FileRef;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The job's file reference, metadata, own time limit ({@code timeoutMs}), step options and parent job,
 * kept as one JSON column.
 *
 * <p>why: written and read with Jackson's streaming API, not an {@code ObjectMapper}: every command that shows a
 * job decodes payloads, and building a mapper costs a short command about a twentieth of its start-up.
 */
final class PayloadCodec {
  private static final JsonFactory JSON = new JsonFactory();

  private PayloadCodec() {}

  static String encode(
      FileRef file, Map<String, String> meta, java.time.Duration timeout, Map<String, String> options, String parent) {
    if (file == null && (meta == null || meta.isEmpty()) && timeout == null && (options == null || options.isEmpty())
        && parent == null) {
      return "{}"; // why: the common case of a bulk enqueue, spared a generator per job
    }
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      if (file != null) {
        g.writeObjectFieldStart("file");
        g.writeStringField("id", file.id());
        g.writeStringField("name", file.name());
        g.writeNumberField("size", file.size());
        g.writeStringField("sha256", file.sha256());
        g.writeStringField("mimeType", file.mimeType());
        g.writeStringField("blobKey", file.blobKey());
        g.writeEndObject();
      }
      if (meta != null && !meta.isEmpty()) {
        g.writeObjectFieldStart("meta");
        for (Map.Entry<String, String> e : meta.entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      if (timeout != null) {
        g.writeNumberField("timeoutMs", timeout.toMillis());
      }
      if (parent != null) {
        g.writeStringField("parent", parent);
      }
      if (options != null && !options.isEmpty()) {
        g.writeObjectFieldStart("options");
        for (Map.Entry<String, String> e : options.entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** The file, metadata and time limit of a payload, parsed once. */
  record Decoded(
      FileRef file, Map<String, String> meta, java.time.Duration timeout, Map<String, String> options, String parent) {}

  static Decoded decode(String payload) {
    Map<String, String> meta = new LinkedHashMap<>();
    if (payload == null || payload.isEmpty()) {
      return new Decoded(null, meta, null, Map.of(), null);
    }
    FileRef file = null;
    java.time.Duration timeout = null;
    Map<String, String> options = Map.of();
    String parent = null;
    try (JsonParser p = JSON.createParser(payload)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("file") && value == JsonToken.START_OBJECT) {
          file = file(p);
        } else if (field.equals("meta") && value == JsonToken.START_OBJECT) {
          scalars(p).forEach((k, v) -> {
            if (v != null) {
              meta.put(k, v);
            }
          });
        } else if (field.equals("options") && value == JsonToken.START_OBJECT) {
          Map<String, String> o = new LinkedHashMap<>();
          scalars(p).forEach((k, v) -> {
            if (v != null) {
              o.put(k, v);
            }
          });
          options = o;
        } else if (field.equals("parent") && value == JsonToken.VALUE_STRING) {
          parent = p.getText();
        } else if (field.equals("timeoutMs") && value == JsonToken.VALUE_NUMBER_INT) {
          timeout = java.time.Duration.ofMillis(p.getLongValue());
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("unreadable job payload", e);
    }
    return new Decoded(file, meta, timeout, options, parent);
  }

  private static FileRef file(JsonParser p) throws IOException {
    Map<String, String> f = scalars(p);
    String size = f.get("size");
    return new FileRef(
        f.get("id"), f.get("name"), size == null ? 0 : Long.parseLong(size), f.get("sha256"), f.get("mimeType"),
        f.get("blobKey"));
  }

  /** The fields of the object the parser is at, scalars as text ({@code null} for JSON null), containers as "". */
  private static Map<String, String> scalars(JsonParser p) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
        p.skipChildren();
        out.put(name, "");
      } else {
        out.put(name, value == JsonToken.VALUE_NULL ? null : p.getText());
      }
    }
    return out;
  }
}
