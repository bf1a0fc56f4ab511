package dev.ingest.extract;

import dev.ingest.upload.ContentTypeDetector;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.tika.Tika;

/** Media types from Apache Tika's magic-byte detector; the file name is only a hint. */
public final class TikaContentTypeDetector implements ContentTypeDetector {
  private static final int HEAD = 64 * 1024;

  private static final class Holder {
    static final Tika TIKA = new Tika();
  }

  @Override
  public String detect(byte[] head, int length, String fileName) {
    try (InputStream in = new ByteArrayInputStream(head, 0, length)) {
      return normalise(Holder.TIKA.detect(in, fileName));
    } catch (IOException e) {
      return "application/octet-stream";
    }
  }

  public String detect(Path file, String fileName) throws IOException {
    byte[] head = new byte[HEAD];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    }
    return detect(head, n, fileName);
  }

  private static String normalise(String type) {
    return "text/x-web-markdown".equals(type) ? "text/markdown" : type;
  }
}
