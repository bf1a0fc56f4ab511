package dev.ingest.cli;

import dev.ingest.core.InvalidInputException;
import dev.ingest.core.NotFoundException;
import dev.ingest.core.UnavailableException;
import picocli.CommandLine;

/** The exit codes of DESIGN.md, and the one mapping from errors to them. */
public final class ExitCodes {
  public static final int OK = 0;
  /** A waited-for job ended failed or cancelled. */
  public static final int JOB_FAILED = 1;
  /** Usage error or invalid input: bad flag, missing or unreadable file, bad config. */
  public static final int USAGE = 2;
  /** Unknown job id (or no such result). */
  public static final int NOT_FOUND = 3;
  /** Database or store unavailable. */
  public static final int UNAVAILABLE = 4;
  public static final int INTERNAL = 5;
  public static final int INTERRUPTED = 130;

  private ExitCodes() {}

  /** The {@code error.type} of a --json line for an error of this exit code. */
  public static String typeOf(int code) {
    return switch (code) {
      case USAGE -> "invalid_input";
      case NOT_FOUND -> "not_found";
      case UNAVAILABLE -> "unavailable";
      case INTERRUPTED -> "interrupted";
      default -> "internal";
    };
  }

  public static int of(Throwable e) {
    if (e instanceof CommandLine.ParameterException || e instanceof InvalidInputException) {
      return USAGE;
    }
    if (e instanceof NotFoundException) {
      return NOT_FOUND;
    }
    if (e instanceof UnavailableException) {
      return UNAVAILABLE;
    }
    if (e instanceof InterruptedException) {
      return INTERRUPTED;
    }
    if (e instanceof IllegalArgumentException && e.getMessage() != null && e.getMessage().startsWith("unsafe")) {
      return USAGE;
    }
    return INTERNAL;
  }
}
