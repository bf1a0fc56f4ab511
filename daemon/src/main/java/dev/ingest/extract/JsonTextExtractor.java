package dev.ingest.extract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ingest.core.PermanentFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * JSON and JSON Lines, one record per array element, per top-level field of an object, or per line; each
 * record is kept as compact JSON so chunks can be parsed back.
 */
public final class JsonTextExtractor implements TextExtractor {
  public static final String JSON_LINES = "application/x-ndjson";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public boolean supports(String mimeType) {
    return "application/json".equals(mimeType) || JSON_LINES.equals(mimeType);
  }

  @Override
  public Extracted extract(Path file, String name, IntConsumer percent) throws IOException {
    String content = PlainTextExtractor.decode(Files.readAllBytes(file), name);
    List<String> records = new ArrayList<>();
    if (isJsonLines(name, content)) {
      String[] lines = content.split("\r?\n");
      for (int i = 0; i < lines.length; i++) {
        if (!lines[i].isBlank()) {
          records.add(JSON.writeValueAsString(parse(lines[i], name, i + 1)));
        }
      }
    } else {
      JsonNode root = parse(content, name, 0);
      if (root.isArray()) {
        for (JsonNode element : root) {
          records.add(JSON.writeValueAsString(element));
        }
      } else if (root.isObject()) {
        for (Map.Entry<String, JsonNode> field : root.properties()) {
          records.add(JSON.writeValueAsString(Map.of(field.getKey(), field.getValue())));
        }
      } else {
        records.add(JSON.writeValueAsString(root));
      }
    }
    percent.accept(100);
    return Extracted.records(records);
  }

  private static boolean isJsonLines(String name, String content) {
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
      return true;
    }
    // why: a .json file holding one object per line is common (exports, logs); it is not one JSON value.
    String trimmed = content.strip();
    return trimmed.startsWith("{") && trimmed.contains("}\n{") || trimmed.contains("}\r\n{");
  }

  private static JsonNode parse(String json, String name, int line) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      String where =
          line > 0 ? "line " + line : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new PermanentFailure("corrupt_input", name + ": invalid JSON at " + where + " (" + e.getOriginalMessage() + ")", e);
    }
  }
}
