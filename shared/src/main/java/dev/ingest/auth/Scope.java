package dev.ingest.auth;

import dev.ingest.core.InvalidInputException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an API key may do: {@code upload} creates uploads and jobs, {@code read} reads jobs, results and
 * events, {@code admin} cancels, retries, cleans up and reads queue statistics, and may do all the rest.
 */
public enum Scope {
  UPLOAD,
  READ,
  ADMIN;

  /** The scopes a new key gets unless told otherwise: what a client needs to upload and follow its jobs. */
  public static final Set<Scope> DEFAULT = EnumSet.of(UPLOAD, READ);

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether a key holding {@code held} may act with this scope. */
  public boolean grantedBy(Set<Scope> held) {
    return held.contains(this) || held.contains(ADMIN);
  }

  /** Parses a comma-separated list such as {@code upload,read}. */
  public static Set<Scope> parse(String list) {
    Set<Scope> out = EnumSet.noneOf(Scope.class);
    for (String part : list.split(",")) {
      String name = part.trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      try {
        out.add(valueOf(name.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("unknown scope '" + part.trim() + "' (expected upload, read or admin)");
      }
    }
    if (out.isEmpty()) {
      throw new InvalidInputException("no scope given (expected upload, read or admin)");
    }
    return out;
  }

  public static String format(Set<Scope> scopes) {
    return scopes.stream().sorted().map(Scope::wireName).collect(Collectors.joining(","));
  }
}
