package dev.ingest.server;

import dev.ingest.auth.JobTokens;
import dev.ingest.config.IngestRuntime;
import dev.ingest.server.events.EventHub;
import dev.ingest.server.events.EventRoutes;
import dev.ingest.server.routes.AdminRoutes;
import dev.ingest.server.routes.JobRoutes;
import dev.ingest.server.routes.OpsRoutes;
import dev.ingest.server.routes.UploadRoutes;
import dev.ingest.server.tus.TusRoutes;
import dev.ingest.server.tus.TusService;
import dev.ingest.upload.BufferBudget;
import dev.ingest.upload.ContentTypeDetector;
import dev.ingest.upload.UploadService;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ingest serve}: the HTTP API on Jetty, wired from a runtime (database and store) and options. The
 * one place where the server's parts are put together. Stateless: any number of servers may run against one
 * database and store.
 */
public final class IngestServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IngestServer.class);
  static final int MAX_THREADS = 200;
  static final int REQUEST_HEADER_SIZE = 16 * 1024;
  static final int INPUT_BUFFER = 64 * 1024;
  static final Duration UPKEEP_INTERVAL = Duration.ofMinutes(10);

  private final Server server;
  private final ServerConnector connector;
  private final EventHub events;
  private final ScheduledExecutorService upkeep;
  private final Router router;
  private final boolean tls;

  private IngestServer(Server server, ServerConnector connector, EventHub events, ScheduledExecutorService upkeep, Router router, boolean tls) {
    this.server = server;
    this.connector = connector;
    this.events = events;
    this.upkeep = upkeep;
    this.router = router;
    this.tls = tls;
  }

  /** Builds the routes and starts listening. */
  public static IngestServer start(IngestRuntime runtime, ServerOptions options, ContentTypeDetector detector) throws Exception {
    ServerMetrics metrics = new ServerMetrics();
    JobTokens tokens = new JobTokens(runtime.keys().sharedSecret("job-tokens"));
    Supplier<UploadService> uploads = memo(() -> runtime.uploads(detector));
    Router router = new Router();
    new OpsRoutes(runtime.queue(), runtime::store, metrics).register(router);
    new JobRoutes(runtime.queue(), runtime::store, tokens, runtime.clock(), options.tokenTtl()).register(router);
    EventHub hub = new EventHub(runtime.queue(), options.eventsPoll(), heartbeat(options), metrics);
    new EventRoutes(runtime.queue(), hub).register(router);
    new AdminRoutes(runtime.queue(), runtime::retention).register(router);
    new dev.ingest.server.routes.DeleteRoutes(runtime::deletes).register(router);
    UploadResults results = new UploadResults(tokens, runtime.clock(), options.tokenTtl());
    // why: half the heap for part buffers bounds memory however many large uploads arrive together.
    BufferBudget budget = BufferBudget.ofHeap(0.5);
    // why: a request's whole parts are hashed and stored on these threads while it keeps reading the next.
    ExecutorService parts = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "ingest-parts");
      t.setDaemon(true);
      return t;
    });
    UploadFields fields = new UploadFields(dev.ingest.worker.WorkerFactory.pipelines(runtime.config()));
    new UploadRoutes(new FormReceiver(runtime::store, uploads, detector, options.limits(), budget, parts, metrics, fields), results)
        .register(router);
    TusService tus =
        new TusService(runtime.tus(), runtime::store, uploads, detector, options.limits(), budget, parts, runtime.clock(),
            options.tusExpiry(), metrics);
    new TusRoutes(tus, fields).register(router);

    Authenticator auth = new Authenticator(runtime.keys(), tokens, runtime.clock(), options.noAuth());
    ApiHandler api = new ApiHandler(router, auth, new RateLimiter(options.rateLimit()), new Cors(options.corsOrigins()), metrics);

    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 8);
    threads.setName("ingest-http");
    Server server = new Server(threads);
    server.setStopTimeout(options.shutdownGrace().toMillis());
    server.setStopAtShutdown(false);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(REQUEST_HEADER_SIZE);
    HttpConnectionFactory h1 = new HttpConnectionFactory(http);
    // why: upload bodies are read a buffer at a time; 64 KiB rather than Jetty's 8 KiB takes an eighth of the
    // reads, wake-ups and chunk hand-overs per byte, for 64 KiB per connection while it is reading.
    h1.setInputBufferSize(INPUT_BUFFER);
    ServerConnector connector;
    if (options.tls()) {
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStore(Pem.keyStore(options.tlsCert(), options.tlsKey()));
      ssl.setKeyStorePassword("");
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false);
      http.addCustomizer(secure);
      connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), h1);
    } else {
      connector = new ServerConnector(server, h1);
    }
    connector.setHost(options.host());
    connector.setPort(options.port());
    connector.setIdleTimeout(options.idleTimeout().toMillis());
    server.addConnector(connector);
    server.setHandler(new GracefulHandler(api));
    server.setErrorHandler(IngestServer::jettyError);

    ScheduledExecutorService upkeep = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ingest-serve-upkeep");
      t.setDaemon(true);
      return t;
    });
    server.addBean(new org.eclipse.jetty.util.component.AbstractLifeCycle() {
      @Override
      protected void doStop() {
        parts.shutdown(); // why: after the requests drained, so none loses its part in flight
      }
    });
    try {
      server.start();
    } catch (Exception e) {
      hub.close();
      upkeep.shutdownNow();
      server.stop();
      throw new dev.ingest.core.InvalidInputException(
          "cannot listen on " + options.host() + ":" + options.port() + ": " + rootMessage(e), e);
    }
    metrics.refreshQueue(runtime.queue());
    upkeep.scheduleWithFixedDelay(() -> metrics.refreshQueue(runtime.queue()), 15, 15, TimeUnit.SECONDS);
    upkeep.scheduleWithFixedDelay(
        () -> {
          try {
            int n = runtime.retention().expireTusUploads(null, false);
            if (n > 0) {
              log.info("removed {} expired tus upload(s)", n);
            }
          } catch (RuntimeException e) {
            log.warn("could not remove expired tus uploads: {}", e.getMessage());
          }
        },
        1, UPKEEP_INTERVAL.toMinutes(), TimeUnit.MINUTES);
    return new IngestServer(server, connector, hub, upkeep, router, options.tls());
  }

  /** The heartbeat of event streams, short enough that the idle timeout never closes a quiet stream. */
  private static Duration heartbeat(ServerOptions options) {
    Duration half = options.idleTimeout().dividedBy(2);
    return options.eventsHeartbeat().compareTo(half) < 0 ? options.eventsHeartbeat() : half;
  }

  private static <T> Supplier<T> memo(Supplier<T> make) {
    return new Supplier<>() {
      private T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = make.get();
        }
        return value;
      }
    };
  }

  /** Errors Jetty answers itself (a garbled request, headers too large) in the API's one error shape. */
  private static boolean jettyError(Request request, org.eclipse.jetty.server.Response response, org.eclipse.jetty.util.Callback callback) {
    int status = response.getStatus() <= 0 ? 500 : response.getStatus();
    Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
    String text = message == null ? org.eclipse.jetty.http.HttpStatus.getMessage(status) : message.toString();
    String json = "{\"error\":{\"message\":" + dev.ingest.json.Json.line(dev.ingest.json.Json.MAPPER.getNodeFactory().textNode(text))
        + ",\"type\":\"" + ErrorStatus.typeOf(status) + "\"}}\n";
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** The base URL clients use, such as {@code http://127.0.0.1:8080}. */
  public String url() {
    String host = connector.getHost() == null || connector.getHost().equals("0.0.0.0") ? "127.0.0.1" : connector.getHost();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return (tls ? "https" : "http") + "://" + host + ":" + port();
  }

  public Router router() {
    return router;
  }

  /** Waits until the server has stopped. */
  public void join() throws InterruptedException {
    server.join();
  }

  /**
   * Stops accepting connections, ends event streams (clients reconnect elsewhere) and lets requests in
   * flight finish within the shutdown grace, then stops.
   */
  @Override
  public void close() {
    upkeep.shutdownNow();
    events.close();
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("the HTTP server did not stop cleanly: {}", e.toString());
    }
  }
}
