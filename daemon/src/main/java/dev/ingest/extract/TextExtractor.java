package dev.ingest.extract;

import java.nio.file.Path;
import java.util.function.IntConsumer;

/** Takes the text out of files of some media types. */
public interface TextExtractor {
  boolean supports(String mimeType);

  /**
   * Extracts the text of {@code file}; {@code name} is for messages, {@code percent} hears how far it got.
   * Throws {@link dev.ingest.core.PermanentFailure} for corrupt or unreadable input.
   */
  Extracted extract(Path file, String name, IntConsumer percent) throws Exception;
}
