package dev.ingest.core;

import java.util.Locale;

/** Job priority: a larger number is claimed first. Names map onto fixed numbers. */
public final class Priority {
  public static final int LOW = -10;
  public static final int NORMAL = 0;
  public static final int HIGH = 10;
  public static final int URGENT = 20;

  private Priority() {}

  public static int parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "low":
        return LOW;
      case "normal":
        return NORMAL;
      case "high":
        return HIGH;
      case "urgent":
        return URGENT;
      default:
        try {
          return Integer.parseInt(v);
        } catch (NumberFormatException e) {
          throw new InvalidInputException(
              "invalid priority '" + value + "' (expected urgent, high, normal, low or an integer)");
        }
    }
  }
}
