package dev.ingest.core;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rules a new job's fields follow, wherever they come from: the CLI's flags, an HTTP form, tus
 * metadata. Each check names the field as its caller calls it ({@code --max-attempts}, {@code maxAttempts}),
 * so the one-line error points at what the user typed.
 */
public final class JobFields {
  public static final int MAX_ATTEMPTS = 100;
  public static final int MAX_META = 64;
  public static final int MAX_TEXT = 512;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private JobFields() {}

  /** A pipeline or queue name: letters, digits, '.', '_' or '-', at most 64, starting with a letter or digit. */
  public static String name(String label, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new InvalidInputException(
          label + " must be a name of letters, digits, '.', '_' or '-' (at most 64), got '" + value + "'");
    }
    return value;
  }

  /** Free text such as a dedupe key or a meta value: at most 512 characters, no control characters. */
  public static String text(String label, String value) {
    if (value.length() > MAX_TEXT) {
      throw new InvalidInputException(label + " is longer than " + MAX_TEXT + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new InvalidInputException(label + " holds a control character");
      }
    }
    return value;
  }

  /** Like {@link #text} and not blank. */
  public static String nonBlank(String label, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException(label + " must not be empty");
    }
    return text(label, value);
  }

  public static int maxAttempts(String label, int value) {
    if (value < 1 || value > MAX_ATTEMPTS) {
      throw new InvalidInputException(label + " must be between 1 and " + MAX_ATTEMPTS + ", got " + value);
    }
    return value;
  }

  /** Metadata: at most 64 entries, keys not blank, keys and values plain text. */
  public static Map<String, String> meta(String label, Map<String, String> meta) {
    if (meta.size() > MAX_META) {
      throw new InvalidInputException("at most " + MAX_META + " " + label + " entries, got " + meta.size());
    }
    meta.forEach((k, v) -> {
      nonBlank(label + " key", k);
      text(label + " value for " + k, v == null ? "" : v);
    });
    return meta;
  }

  public static final int MAX_OPTIONS = 32;
  private static final Pattern OPTION_KEY = Pattern.compile("[a-z0-9][a-z0-9_-]*\\.[a-z0-9][a-z0-9_.-]*");

  /** Step options: {@code step.option} keys (lower case), plain-text values, at most 32. */
  public static Map<String, String> options(String label, Map<String, String> options) {
    if (options.size() > MAX_OPTIONS) {
      throw new InvalidInputException("at most " + MAX_OPTIONS + " " + label + " entries, got " + options.size());
    }
    options.forEach((k, v) -> {
      if (k == null || !OPTION_KEY.matcher(k).matches()) {
        throw new InvalidInputException(label + " key must be step.option, such as chunk.size, got '" + k + "'");
      }
      text(label + " value for " + k, v == null ? "" : v);
    });
    return options;
  }

  /** A job, file or key id as typed: not blank, plain text. Whether it names anything is for the lookup. */
  public static String id(String label, String value) {
    return nonBlank(label, value);
  }
}
