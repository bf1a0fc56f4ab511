package dev.ingest.extract;

import dev.ingest.core.PermanentFailure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntConsumer;

/**
 * Plain text, Markdown, CSV, JSON and other text formats: decoded as UTF-8 (or UTF-16 with a byte-order
 * mark), falling back to Windows-1252 for legacy files; binary content is refused.
 */
public final class PlainTextExtractor implements TextExtractor {
  private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

  @Override
  public boolean supports(String mimeType) {
    return mimeType.startsWith("text/")
        || mimeType.equals("application/json")
        || mimeType.equals("application/xml")
        || mimeType.endsWith("+json")
        || mimeType.endsWith("+xml");
  }

  @Override
  public Extracted extract(Path file, String name, IntConsumer percent) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    String text = decode(bytes, name);
    percent.accept(100);
    return Extracted.plain(text);
  }

  static String decode(byte[] bytes, String name) {
    if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF) {
      return new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8);
    }
    if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xFE && (bytes[1] & 0xff) == 0xFF) {
      return new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16BE);
    }
    if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xFF && (bytes[1] & 0xff) == 0xFE) {
      return new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16LE);
    }
    for (int i = 0; i < Math.min(bytes.length, 8192); i++) {
      if (bytes[i] == 0) {
        throw new PermanentFailure("unsupported_type", name + ": looks like binary data, not text");
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return new String(bytes, WINDOWS_1252);
    }
  }
}
