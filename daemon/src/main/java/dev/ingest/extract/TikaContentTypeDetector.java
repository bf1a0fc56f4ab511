package dev.ingest.extract;

import dev.ingest.upload.ContentTypeDetector;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.apache.tika.detect.DefaultDetector;
import org.apache.tika.detect.Detector;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MimeTypes;

/**
 * Media types from Apache Tika's detectors; the file name is only a hint. Only detectors are loaded, never
 * Tika's parsers (the {@code Tika} facade would instantiate every parser on the class path).
 */
public final class TikaContentTypeDetector implements ContentTypeDetector {
  /** Magic bytes and names: all a file's first bytes can tell. */
  private static final class Magic {
    static final Detector DETECTOR = MimeTypes.getDefaultMimeTypes();
  }

  /** Magic plus the container detectors that look inside zip and OLE2 files (Office, OpenDocument). */
  private static final class Containers {
    static final Detector DETECTOR = new DefaultDetector();
  }

  @Override
  public String detect(byte[] head, int length, String fileName) {
    try (InputStream in = new ByteArrayInputStream(head, 0, length)) {
      return normalise(detect(Magic.DETECTOR, in, fileName), fileName);
    } catch (IOException e) {
      return "application/octet-stream";
    }
  }

  /** Reads the whole file where it must: Office and OpenDocument files are told apart inside their zip. */
  public String detect(Path file, String fileName) throws IOException {
    try (InputStream in = TikaInputStream.get(file)) {
      return normalise(detect(Containers.DETECTOR, in, fileName), fileName);
    }
  }

  private static String detect(Detector detector, InputStream in, String fileName) throws IOException {
    Metadata metadata = new Metadata();
    if (fileName != null) {
      metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, fileName);
    }
    return detector.detect(in, metadata).toString();
  }

  private static String normalise(String type, String fileName) {
    String lower = fileName == null ? "" : fileName.toLowerCase(java.util.Locale.ROOT);
    if ((lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) && (type.startsWith("text/") || type.endsWith("json"))) {
      return JsonTextExtractor.JSON_LINES;
    }
    return "text/x-web-markdown".equals(type) ? "text/markdown" : type;
  }
}
