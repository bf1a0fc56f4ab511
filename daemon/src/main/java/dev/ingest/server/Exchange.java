package dev.ingest.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingest.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * One request and its response, as routes see them: path and query parameters, headers, the body as a
 * stream, and ways to answer. A route answers exactly once, or takes the exchange over with
 * {@link #detach()} (event streams) and completes it later.
 */
public final class Exchange {
  private final Request request;
  private final Response response;
  private final Callback callback;
  private final String method;
  private Map<String, String> params = Map.of();
  private Principal principal;
  private Fields query;
  private boolean answered;
  private boolean detached;
  private OutputStream stream;

  Exchange(Request request, Response response, Callback callback, String method) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.method = method;
  }

  void bind(Map<String, String> params, Principal principal) {
    this.params = params;
    this.principal = principal;
  }

  public String method() {
    return method;
  }

  public String path() {
    return Request.getPathInContext(request);
  }

  /** A parameter of the route's template, such as {@code id} of {@code /v1/jobs/{id}}. */
  public String param(String name) {
    return params.get(name);
  }

  public Principal principal() {
    return principal;
  }

  public String header(String name) {
    return request.getHeaders().get(name);
  }

  /** The first value of a query parameter, or null. */
  public String query(String name) {
    if (query == null) {
      query = Request.extractQueryParameters(request);
    }
    return query.getValue(name);
  }

  /** The declared length of the body, or -1 when it is sent in chunks. */
  public long contentLength() {
    return request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
  }

  /** The request body, read as it arrives. */
  public InputStream body() {
    return Content.Source.asInputStream(request);
  }

  /** The request as Jetty has it, for readers of its content in chunks. */
  public Request request() {
    return request;
  }

  /** The scheme, host and port the client used, without a trailing slash. */
  public String baseUrl() {
    var uri = request.getHttpURI();
    String scheme = uri.getScheme() == null ? "http" : uri.getScheme();
    int port = uri.getPort();
    boolean defaultPort = port <= 0 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
    return scheme + "://" + uri.getHost() + (defaultPort ? "" : ":" + port);
  }

  public Exchange responseHeader(String name, String value) {
    response.getHeaders().put(name, value);
    return this;
  }

  public void json(int status, JsonNode body) {
    send(status, "application/json", (Json.line(body) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  public void send(int status, String contentType, byte[] body) {
    requireUnanswered();
    answered = true;
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /** An answer with no body. */
  public void empty(int status) {
    requireUnanswered();
    answered = true;
    response.setStatus(status);
    if (status != 204 && status != 304) {
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
    }
    response.write(true, null, callback);
  }

  /** Starts a streamed answer; the route writes to the stream and returns (the stream is closed for it). */
  public OutputStream stream(int status, String contentType) {
    requireUnanswered();
    answered = true;
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    stream = Content.Sink.asOutputStream(response);
    return stream;
  }

  /** The route completes the exchange itself, later, through {@link #response()} and {@link #callback()}. */
  public void detach() {
    requireUnanswered();
    answered = true;
    detached = true;
  }

  public Response response() {
    return response;
  }

  public Callback callback() {
    return callback;
  }

  boolean answered() {
    return answered;
  }

  boolean detached() {
    return detached;
  }

  boolean committed() {
    return response.isCommitted();
  }

  /** Ends a streamed answer. */
  void finishStream() throws IOException {
    if (stream != null) {
      stream.close();
      callback.succeeded();
    }
  }

  boolean streaming() {
    return stream != null;
  }

  int status() {
    return response.getStatus();
  }

  private void requireUnanswered() {
    if (answered) {
      throw new IllegalStateException("the exchange was already answered");
    }
  }
}
