package dev.ingest.config;

import dev.ingest.core.InvalidInputException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads sizes written as {@code 8MiB}, {@code 16MB}, {@code 512KiB}, {@code 1GiB} or plain bytes. */
public final class Sizes {
  private static final Pattern FORM = Pattern.compile("(\\d+)\\s*([kmgt]i?b|b)?", Pattern.CASE_INSENSITIVE);

  private Sizes() {}

  public static long parse(String text) {
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) {
      throw new InvalidInputException("invalid size '" + text + "' (examples: 8MiB, 16MB, 1GiB)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    boolean binary = unit.contains("i");
    long base = binary ? 1024 : 1000;
    switch (unit.charAt(0)) {
      case 'k':
        return n * base;
      case 'm':
        return n * base * base;
      case 'g':
        return n * base * base * base;
      case 't':
        return n * base * base * base * base;
      default:
        return n;
    }
  }

  /** Reads a rate written as {@code 10MiB/s}, {@code 500KB/s} or a size (per second); 0 means no limit. */
  public static long parseRate(String text) {
    String t = text.trim();
    String size = t.toLowerCase(Locale.ROOT).endsWith("/s") ? t.substring(0, t.length() - 2) : t;
    long rate;
    try {
      rate = parse(size);
    } catch (InvalidInputException e) {
      throw new InvalidInputException("invalid rate '" + text + "' (examples: 10MiB/s, 500KB/s)");
    }
    return rate;
  }

  public static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int i = -1;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
  }
}
