package dev.ingest.server;

import dev.ingest.core.IllegalTransitionException;
import dev.ingest.core.InvalidInputException;
import dev.ingest.core.NotFoundException;
import dev.ingest.core.UnavailableException;
import java.util.Map;

/**
 * The one mapping from errors to HTTP statuses and error types, as {@code ExitCodes} is for the CLI: routes
 * throw typed exceptions, this turns them into {@code {"error": {"message", "type"}}} with its status.
 */
public final class ErrorStatus {
  /** The type each status is reported with when nothing more specific is known. */
  static final Map<Integer, String> TYPES =
      Map.ofEntries(
          Map.entry(400, "invalid_request"),
          Map.entry(401, "unauthorized"),
          Map.entry(403, "forbidden"),
          Map.entry(404, "not_found"),
          Map.entry(405, "method_not_allowed"),
          Map.entry(408, "timeout"),
          Map.entry(409, "conflict"),
          Map.entry(410, "gone"),
          Map.entry(412, "precondition_failed"),
          Map.entry(413, "too_large"),
          Map.entry(414, "uri_too_long"),
          Map.entry(415, "unsupported_media_type"),
          Map.entry(423, "locked"),
          Map.entry(429, "rate_limited"),
          Map.entry(431, "headers_too_large"),
          Map.entry(460, "checksum_mismatch"),
          Map.entry(500, "internal"),
          Map.entry(503, "unavailable"));

  private ErrorStatus() {}

  public static ApiError of(Throwable e) {
    if (e instanceof ApiError) {
      return (ApiError) e;
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    message = message.lines().findFirst().orElse(message);
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.eclipse.jetty.io.EofException) {
        // why: the client stopped sending mid-body; its fault, not the server's (no 500, no stack trace)
        return new ApiError(400, "invalid_request", "the request ended before its body did");
      }
    }
    if (e instanceof IllegalTransitionException) {
      return new ApiError(409, "conflict", message);
    }
    if (e instanceof InvalidInputException) {
      return new ApiError(400, "invalid_request", message);
    }
    if (e instanceof NotFoundException) {
      return new ApiError(404, "not_found", message);
    }
    if (e instanceof UnavailableException) {
      // why: the detail names hosts and buckets; it goes to the server's log, not to clients.
      return new ApiError(503, "unavailable", "the database or the store is unavailable; try again later")
          .header("Retry-After", "5");
    }
    return new ApiError(500, "internal", "internal error (" + e.getClass().getSimpleName() + "); see the server log");
  }

  public static String typeOf(int status) {
    return TYPES.getOrDefault(status, status >= 500 ? "internal" : "invalid_request");
  }
}
