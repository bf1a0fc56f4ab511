package dev.ingest.server;

import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP error with its status, its machine-readable type and the headers it must carry. */
public final class ApiError extends RuntimeException {
  private final int status;
  private final String type;
  private final Map<String, String> headers = new LinkedHashMap<>();

  public ApiError(int status, String type, String message) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
  }

  public ApiError header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public Map<String, String> headers() {
    return headers;
  }

  public static ApiError badRequest(String message) {
    return new ApiError(400, "invalid_request", message);
  }

  public static ApiError unauthorized(String message) {
    return new ApiError(401, "unauthorized", message).header("WWW-Authenticate", "Bearer");
  }

  public static ApiError forbidden(String message) {
    return new ApiError(403, "forbidden", message);
  }

  public static ApiError notFound(String message) {
    return new ApiError(404, "not_found", message);
  }

  public static ApiError conflict(String message) {
    return new ApiError(409, "conflict", message);
  }

  public static ApiError tooLarge(String message) {
    return new ApiError(413, "too_large", message);
  }

  public static ApiError unsupportedMediaType(String message) {
    return new ApiError(415, "unsupported_media_type", message);
  }
}
