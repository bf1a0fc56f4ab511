package dev.ingest.cli.command;

import dev.ingest.config.IngestConfig;
import dev.ingest.core.InvalidInputException;
import dev.ingest.upload.UploadLimits;
import java.util.function.Supplier;

/** Reads a flag's value so that a bad one is a one-line usage error naming the flag. */
final class Flags {
  private Flags() {}

  /** {@code parse}'s result; its {@link InvalidInputException} is prefixed with {@code flag} unless it names it. */
  static <T> T read(String flag, Supplier<T> parse) {
    try {
      return parse.get();
    } catch (InvalidInputException e) {
      if (e.getMessage() != null && e.getMessage().contains(flag)) {
        throw e;
      }
      throw new InvalidInputException(flag + ": " + e.getMessage(), e);
    }
  }

  static double number(String text) {
    try {
      return Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new InvalidInputException("not a number: '" + text + "'");
    }
  }

  /**
   * The upload limits from the flags, or else from {@code upload.max-size} and {@code upload.allowed-types};
   * an error names the flag or key the bad value came from.
   */
  static UploadLimits uploadLimits(IngestConfig config, String sizeFlag, String size, String typesFlag, String types) {
    String sizeFrom = size != null ? sizeFlag : "upload.max-size";
    String sizeText = size != null ? size : config.get("upload.max-size").orElse(null);
    String typesFrom = types != null ? typesFlag : "upload.allowed-types";
    String typesText = types != null ? types : config.get("upload.allowed-types").orElse(null);
    long max = Flags.read(sizeFrom, () -> UploadLimits.parse(sizeText, null).maxSize());
    return Flags.read(typesFrom, () -> UploadLimits.parse(null, typesText)).withMaxSize(max);
  }
}
