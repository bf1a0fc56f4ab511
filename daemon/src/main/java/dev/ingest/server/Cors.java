package dev.ingest.server;

import java.util.List;

/**
 * Cross-origin access for browsers: which origins may call the API, what a preflight answers, and which
 * response headers scripts may read (tus's, {@code Ingest-Job-Id}, {@code Retry-After}). Keys travel in the
 * Authorization header, never in cookies, so allowing any origin exposes nothing a script could not send.
 */
public final class Cors {
  static final String ALLOW_HEADERS =
      "Authorization, Content-Type, Last-Event-ID, Tus-Resumable, Upload-Length, Upload-Offset, Upload-Metadata, "
          + "Upload-Checksum, Upload-Defer-Length, Upload-Concat, X-HTTP-Method-Override, X-Requested-With";
  static final String ALLOW_METHODS = "GET, HEAD, POST, PATCH, DELETE, OPTIONS";
  static final String EXPOSE_HEADERS =
      "Location, Tus-Resumable, Tus-Version, Tus-Extension, Tus-Max-Size, Tus-Checksum-Algorithm, Upload-Offset, "
          + "Upload-Length, Upload-Metadata, Upload-Expires, Ingest-Job-Id, Ingest-File-Id, Ingest-Deduplicated, "
          + "Retry-After";

  private final List<String> origins;

  /** {@code origins}: allowed origins, {@code *} for any; empty turns cross-origin access off. */
  public Cors(List<String> origins) {
    this.origins = List.copyOf(origins);
  }

  /** Adds the CORS headers a response to this origin carries; false when the origin is not allowed. */
  boolean apply(String origin, Exchange ex) {
    if (origin == null) {
      return false;
    }
    String allowed = origins.contains("*") ? "*" : origins.contains(origin) ? origin : null;
    if (allowed == null) {
      return false;
    }
    ex.responseHeader("Access-Control-Allow-Origin", allowed);
    if (!allowed.equals("*")) {
      ex.responseHeader("Vary", "Origin");
    }
    ex.responseHeader("Access-Control-Expose-Headers", EXPOSE_HEADERS);
    return true;
  }

  /** Answers a preflight request. */
  void preflight(Exchange ex) {
    ex.responseHeader("Access-Control-Allow-Methods", ALLOW_METHODS);
    ex.responseHeader("Access-Control-Allow-Headers", ALLOW_HEADERS);
    ex.responseHeader("Access-Control-Max-Age", "86400");
    ex.empty(204);
  }
}
