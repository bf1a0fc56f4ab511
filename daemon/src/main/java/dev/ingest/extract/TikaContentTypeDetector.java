package dev.ingest.extract;

import dev.ingest.upload.ContentTypeDetector;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.apache.tika.detect.DefaultDetector;
import org.apache.tika.detect.Detector;
import org.apache.tika.detect.TextDetector;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MediaTypeRegistry;
import org.apache.tika.mime.MimeTypes;

/**
 * Media types from Apache Tika's detectors; the file name is only a hint. Only detectors are loaded, never
 * Tika's parsers (the {@code Tika} facade would instantiate every parser on the class path).
 */
public final class TikaContentTypeDetector implements ContentTypeDetector {
  private static final String UNKNOWN = "application/octet-stream";

  private final boolean nameFirst;

  /** Detects from the content, the name only as a hint. */
  public TikaContentTypeDetector() {
    this(false);
  }

  private TikaContentTypeDetector(boolean nameFirst) {
    this.nameFirst = nameFirst;
  }

  /**
   * Takes the type a file's name implies, and reads the content's magic only where the name implies none or a
   * type that disagrees with whether the content is text. For a local upload with no type policy: the worker's
   * detect step reads every file's content anyway, and Tika's magic costs about 0.4 ms of CPU per file whatever
   * its size (1,400 patterns, some searched over 8 KiB), a third of a batch of small files' time. For a
   * well-named file the answer is the same, since Tika prefers the name's type where it refines the content's.
   */
  public static TikaContentTypeDetector nameFirst() {
    return new TikaContentTypeDetector(true);
  }

  /** Magic bytes and names: all a file's first bytes can tell. */
  private static final class Magic {
    static final MimeTypes DETECTOR = MimeTypes.getDefaultMimeTypes();
    static final MediaTypeRegistry REGISTRY = DETECTOR.getMediaTypeRegistry();
  }

  /** Magic plus the container detectors that look inside zip and OLE2 files (Office, OpenDocument). */
  private static final class Containers {
    static final Detector DETECTOR = new DefaultDetector();
  }

  @Override
  public String detect(byte[] head, int length, String fileName) {
    if (nameFirst && fileName != null) {
      String byName = byName(fileName);
      if (!UNKNOWN.equals(byName) && isText(byName) == looksLikeText(head, length)) {
        return byName;
      }
    }
    try (InputStream in = new ByteArrayInputStream(head, 0, length)) {
      return normalise(detect(Magic.DETECTOR, in, fileName), fileName);
    } catch (IOException e) {
      return UNKNOWN;
    }
  }

  /** Whether a type is text (text/plain or one of its refinements: CSV, JSON, source code). */
  private static boolean isText(String type) {
    MediaType media = MediaType.parse(type);
    return media != null && Magic.REGISTRY.isInstanceOf(media, MediaType.TEXT_PLAIN);
  }

  /**
   * Tika's test for text, without its magic: no control bytes in the head. A name whose type disagrees (to
   * Tika's names a Go {@code go.mod} is a tracker module, audio; binary bytes named {@code .txt}) is detected from its
   * content instead.
   */
  private static boolean looksLikeText(byte[] head, int length) {
    try (InputStream in = new ByteArrayInputStream(head, 0, length)) {
      return !MediaType.OCTET_STREAM.equals(new TextDetector(length).detect(in, new Metadata()));
    } catch (IOException e) {
      return false;
    }
  }

  /** The type the file's name implies (Tika's glob patterns), {@code application/octet-stream} when none. */
  public String byName(String fileName) {
    try {
      return normalise(detect(Magic.DETECTOR, null, fileName), fileName);
    } catch (IOException e) {
      return UNKNOWN;
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
