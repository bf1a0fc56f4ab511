package dev.ingest.upload;

import dev.ingest.config.Sizes;
import dev.ingest.core.InvalidInputException;
import java.util.List;
import java.util.Locale;

/**
 * What uploads may be: at most {@code maxSize} bytes (0: no limit) and, when {@code allowedTypes} is not
 * empty, of one of those media types, judged from the content. Types may end in {@code /*}: {@code image/*}.
 */
public record UploadLimits(long maxSize, List<String> allowedTypes) {
  public static final UploadLimits NONE = new UploadLimits(0, List.of());

  public UploadLimits {
    allowedTypes = allowedTypes.stream().map(t -> t.trim().toLowerCase(Locale.ROOT)).filter(t -> !t.isEmpty()).toList();
    for (String t : allowedTypes) {
      if (!t.matches("[a-z0-9.+-]+/([a-z0-9.+-]+|\\*)") && !t.equals("*/*")) {
        throw new InvalidInputException("invalid media type '" + t + "' in the allowed types (e.g. application/pdf, image/*)");
      }
    }
  }

  /** Reads {@code 10MiB} and {@code application/pdf,image/*}; null or blank values mean no limit. */
  public static UploadLimits parse(String maxSize, String allowedTypes) {
    long max = maxSize == null || maxSize.isBlank() ? 0 : Sizes.parse(maxSize);
    List<String> types = allowedTypes == null ? List.of() : List.of(allowedTypes.split(","));
    return new UploadLimits(max, types);
  }

  /**
   * Refuses a file these limits do not allow, with the reason in one line; {@code mimeType} is what its
   * content was detected as (only looked at when types are limited).
   */
  public void check(String what, long size, String mimeType) {
    if (tooLarge(size)) {
      throw new InvalidInputException(
          what + " is " + Sizes.human(size) + ", over the upload limit of " + Sizes.human(maxSize) + " (upload.max-size)");
    }
    if (!allows(mimeType)) {
      throw new InvalidInputException(
          what + " is " + mimeType + ", not an allowed type (upload.allowed-types: " + String.join(",", allowedTypes) + ")");
    }
  }

  public boolean limitsTypes() {
    return !allowedTypes.isEmpty();
  }

  public UploadLimits withMaxSize(long maxSize) {
    return new UploadLimits(maxSize, allowedTypes);
  }

  public boolean tooLarge(long size) {
    return maxSize > 0 && size > maxSize;
  }

  /** Whether content of this media type (parameters ignored) may be uploaded. */
  public boolean allows(String mimeType) {
    if (allowedTypes.isEmpty()) {
      return true;
    }
    String type = mimeType == null ? "application/octet-stream" : mimeType.toLowerCase(Locale.ROOT);
    int semicolon = type.indexOf(';');
    if (semicolon >= 0) {
      type = type.substring(0, semicolon).trim();
    }
    for (String allowed : allowedTypes) {
      if (allowed.equals("*/*") || allowed.equals(type)) {
        return true;
      }
      if (allowed.endsWith("/*") && type.startsWith(allowed.substring(0, allowed.length() - 1))) {
        return true;
      }
    }
    return false;
  }
}
