package dev.ingest.extract;

import dev.ingest.upload.ContentTypeDetector;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.apache.tika.Tika;
import org.apache.tika.io.TikaInputStream;

/** Media types from Apache Tika's magic-byte detector; the file name is only a hint. */
public final class TikaContentTypeDetector implements ContentTypeDetector {
  private static final class Holder {
    static final Tika TIKA = new Tika();
  }

  @Override
  public String detect(byte[] head, int length, String fileName) {
    try (InputStream in = new ByteArrayInputStream(head, 0, length)) {
      return normalise(Holder.TIKA.detect(in, fileName), fileName);
    } catch (IOException e) {
      return "application/octet-stream";
    }
  }

  /** Reads the whole file where it must: Office and OpenDocument files are told apart inside their zip. */
  public String detect(Path file, String fileName) throws IOException {
    try (InputStream in = TikaInputStream.get(file)) {
      return normalise(Holder.TIKA.detect(in, fileName), fileName);
    }
  }

  private static String normalise(String type, String fileName) {
    String lower = fileName == null ? "" : fileName.toLowerCase(java.util.Locale.ROOT);
    if ((lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) && (type.startsWith("text/") || type.endsWith("json"))) {
      return JsonTextExtractor.JSON_LINES;
    }
    return "text/x-web-markdown".equals(type) ? "text/markdown" : type;
  }
}
