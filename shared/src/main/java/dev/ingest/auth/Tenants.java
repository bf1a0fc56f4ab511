package dev.ingest.auth;

import dev.ingest.core.InvalidInputException;
import java.util.regex.Pattern;

/** Tenant names: short, lower-case words that are safe in logs, tokens and metric labels. */
public final class Tenants {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  private Tenants() {}

  public static String requireValid(String tenant) {
    if (tenant == null || !NAME.matcher(tenant).matches()) {
      throw new InvalidInputException(
          "invalid tenant '" + tenant + "' (lower-case letters, digits, '.', '_' and '-', at most 63, starting with a letter or digit)");
    }
    return tenant;
  }
}
