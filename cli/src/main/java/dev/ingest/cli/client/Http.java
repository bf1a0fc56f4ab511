package dev.ingest.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingest.core.IngestException;
import dev.ingest.core.InvalidInputException;
import dev.ingest.core.NotFoundException;
import dev.ingest.core.UnavailableException;
import dev.ingest.json.Json;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The remote client's HTTP: one OkHttp client, the API key on every request, and the one mapping from the
 * server's answers to the CLI's errors (so to its exit codes): 400, 409, 413, 415 are the user's to fix (2),
 * 404 is not found (3), 401 and 403 a refused key (4), 429, 5xx and no answer at all unavailable (4).
 */
final class Http {
  final HttpUrl base;
  private final String token;
  final OkHttpClient client;

  Http(String url, String token) {
    HttpUrl parsed = HttpUrl.parse(url.endsWith("/") ? url : url + "/");
    if (parsed == null) {
      throw new InvalidInputException("--server must be an http:// or https:// URL, got '" + url + "'");
    }
    this.base = parsed;
    this.token = token == null || token.isBlank() ? null : token.trim();
    this.client =
        new OkHttpClient.Builder()
            .connectTimeout(10, TimeUnit.SECONDS)
            .readTimeout(60, TimeUnit.SECONDS)
            .writeTimeout(60, TimeUnit.SECONDS)
            .retryOnConnectionFailure(true)
            .build();
  }

  private Http(HttpUrl base, String token, OkHttpClient client) {
    this.base = base;
    this.token = token;
    this.client = client;
  }

  /** The same client (connections and all) waiting up to {@code timeout} for an answer. */
  Http withReadTimeout(java.time.Duration timeout) {
    return new Http(base, token, client.newBuilder().readTimeout(timeout).build());
  }

  /** The URL of an API path such as {@code v1/jobs/job_…} (no leading slash). */
  HttpUrl.Builder url(String path) {
    return base.newBuilder().addPathSegments(path);
  }

  Request.Builder request(HttpUrl url) {
    Request.Builder b = new Request.Builder().url(url).header("User-Agent", "ingest-cli");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  /** Sends a request; a 2xx answer is returned (the caller closes it), anything else thrown as an error. */
  Response send(Request request) {
    Response response;
    try {
      response = client.newCall(request).execute();
    } catch (IOException e) {
      throw new UnavailableException("cannot reach the server " + redacted() + ": " + e.getMessage(), e);
    }
    if (response.isSuccessful()) {
      return response;
    }
    try (response) {
      throw error(response);
    }
  }

  /** Sends a request and reads its JSON answer. */
  JsonNode json(Request request) {
    try (Response response = send(request)) {
      return Json.MAPPER.readTree(response.body().byteStream());
    } catch (IOException e) {
      throw new UnavailableException("the server " + redacted() + " sent an unreadable answer: " + e.getMessage(), e);
    }
  }

  IngestException error(Response response) {
    int status = response.code();
    String message = message(response);
    return switch (status) {
      case 400, 409, 412, 413, 415, 460 -> new InvalidInputException(message);
      case 404 -> new NotFoundException(message);
      case 401 -> new UnavailableException(
          "the server refused the API key: " + message + (token == null ? " (set INGEST_TOKEN)" : ""), false, null);
      case 403 -> new UnavailableException("the server refused the request: " + message, false, null);
      default -> new UnavailableException("the server " + redacted() + " answered " + status + ": " + message, null);
    };
  }

  private static String message(Response response) {
    try {
      String body = response.body() == null ? "" : response.body().string();
      JsonNode node = Json.MAPPER.readTree(body);
      if (node != null && node.path("error").path("message").isTextual()) {
        return node.path("error").path("message").asText();
      }
      return body.isBlank() ? "HTTP " + response.code() : body.lines().findFirst().orElse(body);
    } catch (IOException | RuntimeException e) {
      return "HTTP " + response.code();
    }
  }

  /** The server's address without user info or query, for messages. */
  String redacted() {
    return base.newBuilder().username("").password("").query(null).build().toString();
  }
}
