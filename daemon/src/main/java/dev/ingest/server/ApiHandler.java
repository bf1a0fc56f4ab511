package dev.ingest.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.json.Json;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one Jetty handler: CORS, {@code X-HTTP-Method-Override}, routing, authentication, rate
 * limits, then the route; any error becomes {@code {"error": {"message", "type"}}} with its status.
 * Routes may block (this handler runs on Jetty's worker threads).
 */
final class ApiHandler extends Handler.Abstract {
  private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);
  private static final Logger access = LoggerFactory.getLogger("dev.ingest.server.access");

  private final Router router;
  private final Authenticator auth;
  private final RateLimiter limiter;
  private final Cors cors;
  private final ServerMetrics metrics;

  ApiHandler(Router router, Authenticator auth, RateLimiter limiter, Cors cors, ServerMetrics metrics) {
    this.router = router;
    this.auth = auth;
    this.limiter = limiter;
    this.cors = cors;
    this.metrics = metrics;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    long start = System.nanoTime();
    String method = request.getMethod();
    String override = request.getHeaders().get("X-HTTP-Method-Override");
    if (override != null && method.equals("POST")) {
      method = override.trim().toUpperCase(java.util.Locale.ROOT);
    }
    Exchange ex = new Exchange(request, response, callback, method);
    String template = "unmatched";
    String tenant = "-";
    try {
      boolean crossOrigin = cors.apply(request.getHeaders().get("Origin"), ex);
      if (crossOrigin && method.equals("OPTIONS") && request.getHeaders().get("Access-Control-Request-Method") != null) {
        cors.preflight(ex);
        template = "preflight";
      } else {
        Router.Match match = router.match(method, ex.path());
        template = match.route().template();
        Principal principal = null;
        if (match.route().access() != Router.Access.PUBLIC) {
          String jobToken = match.route().access() == Router.Access.KEY_OR_JOB_TOKEN ? ex.query("token") : null;
          principal = auth.authenticate(request.getHeaders().get("Authorization"), jobToken);
          tenant = principal.tenant();
          if (principal.jobId() != null) {
            principal.requireJob(match.params().get("id"));
          }
          long wait = limiter.acquire(principal.bucket(), System.nanoTime());
          if (wait > 0) {
            throw new ApiError(429, "rate_limited", "too many requests for this key; slow down")
                .header("Retry-After", Long.toString(wait));
          }
        }
        ex.bind(match.params(), principal);
        match.route().handler().handle(ex);
        ex.finishStream();
        if (!ex.answered()) {
          throw new IllegalStateException("route " + template + " gave no answer");
        }
      }
    } catch (Throwable e) {
      fail(ex, e, template);
    }
    int status = ex.status();
    long took = System.nanoTime() - start;
    metrics.request(method, template, status, took);
    if (access.isInfoEnabled()) {
      access.info("{} {} {} {}ms tenant={}", method, ex.path(), ex.detached() ? "stream" : status, took / 1_000_000, tenant);
    }
    return true;
  }

  private void fail(Exchange ex, Throwable e, String template) {
    ApiError error = ErrorStatus.of(e);
    if (error.status() >= 500) {
      log.warn("{} {} failed: {}", ex.method(), template, e.toString(), error.status() == 500 ? e : null);
    }
    if (ex.answered() || ex.committed()) {
      // why: the status line is gone; all that is left is to break the connection so the client sees a failure.
      if (!ex.detached()) {
        ex.callback().failed(e);
      }
      return;
    }
    error.headers().forEach(ex::responseHeader);
    if (ex.method().equals("HEAD")) {
      ex.empty(error.status());
      return;
    }
    ObjectNode body = Json.object();
    ObjectNode inner = body.putObject("error");
    inner.put("message", error.getMessage());
    inner.put("type", error.type());
    ex.send(error.status(), "application/json", (Json.line(body) + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
