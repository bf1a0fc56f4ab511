package dev.ingest.cli.command;

import dev.ingest.cli.ExitCodes;
import dev.ingest.cli.IngestCommand;
import dev.ingest.cli.Logging;
import dev.ingest.config.Durations;
import dev.ingest.config.IngestConfig;
import dev.ingest.config.IngestRuntime;
import dev.ingest.core.InvalidInputException;
import dev.ingest.extract.TikaContentTypeDetector;
import dev.ingest.server.IngestServer;
import dev.ingest.server.ServerOptions;
import dev.ingest.upload.UploadLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "serve",
    description = {
      "Serve the HTTP API: uploads (forms and tus), job status with live events, results, admin.",
      "Clients need the URL and an API key ('ingest keys create'). SIGTERM lets requests in flight finish, then exits 0."
    },
    footer = {
      "",
      "Examples:",
      "  ingest serve                                   # http://127.0.0.1:8080",
      "  ingest serve --listen 0.0.0.0:8080 --max-upload-size 2GiB --allowed-types 'application/pdf,image/*'",
      "  ingest serve --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem",
      "  ingest serve --no-auth                         # loopback only: every request acts as tenant 'default'"
    })
public final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Address to listen on (default 127.0.0.1:8080; config serve.listen).")
  String listen;

  @Option(names = "--max-upload-size", paramLabel = "SIZE", description = "Largest file accepted, e.g. 2GiB (default: no limit; config upload.max-size).")
  String maxUploadSize;

  @Option(names = "--allowed-types", paramLabel = "TYPES", description = "Media types accepted, judged from the content: application/pdf,image/* (default: any; config upload.allowed-types).")
  String allowedTypes;

  @Option(names = "--rate-limit", paramLabel = "N", description = "Requests per second per API key on this server, 0 for none (default 100; config serve.rate-limit).")
  Double rateLimit;

  @Option(names = "--cors-origin", paramLabel = "ORIGIN", description = "Origin browsers may call from (repeatable; default *; config serve.cors-origins).")
  List<String> corsOrigins;

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain; serve HTTPS (config serve.tls-cert).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM PKCS#8 private key for --tls-cert (config serve.tls-key).")
  Path tlsKey;

  @Option(names = "--no-auth", description = "No API keys: every request acts as tenant 'default'. Only with a loopback --listen.")
  boolean noAuth;

  @Option(names = "--idle-timeout", paramLabel = "D", description = "Close a connection silent this long (default 30s; config serve.idle-timeout).")
  String idleTimeout;

  @Option(names = "--shutdown-grace", paramLabel = "D", description = "Time requests in flight get to finish on SIGTERM (default 30s; config serve.shutdown-grace).")
  String shutdownGrace;

  @Option(names = "--log-format", paramLabel = "FORMAT", description = "text (default) or json (config log.format).")
  String logFormat;

  @Override
  public Integer call() throws Exception {
    IngestCommand root = IngestCommand.of(spec);
    IngestConfig config = root.config(Map.of());
    ServerOptions options = options(config);
    Logging.level(root.verbose() ? "DEBUG" : "INFO");
    String format = logFormat != null ? logFormat : config.get("log.format", "text");
    Flags.read(logFormat != null ? "--log-format" : "log.format", () -> {
      Logging.format(format);
      return format;
    });
    try (IngestRuntime runtime = root.openRuntime(Map.of(), config.getInt("serve.db-pool", 16))) {
      runtime.store(); // why: a store that cannot be set up fails here, not on the first upload
      IngestServer server = IngestServer.start(runtime, options, new TikaContentTypeDetector());
      AtomicInteger exitCode = new AtomicInteger(ExitCodes.OK);
      Signals.onTermination(
          code -> {
            exitCode.set(code);
            new Thread(server::close, "ingest-serve-stop").start();
          },
          () -> Runtime.getRuntime().halt(exitCode.get()));
      org.slf4j.LoggerFactory.getLogger(ServeCommand.class)
          .info("serving {} (database {}, store {}{})", server.url(), runtime.database().description(),
              runtime.store().describe(), options.noAuth() ? ", no auth" : "");
      server.join();
      return exitCode.get();
    }
  }

  private ServerOptions options(IngestConfig config) {
    ServerOptions d = ServerOptions.defaults(listen != null ? listen : config.get("serve.listen", ServerOptions.DEFAULT_LISTEN));
    UploadLimits limits = Flags.uploadLimits(config, "--max-upload-size", maxUploadSize, "--allowed-types", allowedTypes);
    double rate =
        rateLimit != null
            ? rateLimit
            : Flags.read("serve.rate-limit", () -> Flags.number(config.get("serve.rate-limit", Double.toString(ServerOptions.DEFAULT_RATE_LIMIT))));
    if (rate < 0) {
      throw new InvalidInputException("--rate-limit must be 0 (none) or more, got " + rate);
    }
    List<String> origins =
        corsOrigins != null ? corsOrigins : Arrays.stream(config.get("serve.cors-origins", "*").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    for (String origin : origins) {
      if (!origin.equals("*") && !origin.matches("https?://([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?")) {
        throw new InvalidInputException(
            (corsOrigins != null ? "--cors-origin" : "serve.cors-origins")
                + " must be * or an origin such as https://app.example.com, got '" + origin + "'");
      }
    }
    Path cert = tlsCert != null ? tlsCert : config.get("serve.tls-cert").map(Path::of).orElse(null);
    Path key = tlsKey != null ? tlsKey : config.get("serve.tls-key").map(Path::of).orElse(null);
    if ((cert == null) != (key == null)) {
      throw new InvalidInputException("--tls-cert and --tls-key go together");
    }
    for (Path p : new Path[] {cert, key}) {
      if (p != null && !Files.isReadable(p)) {
        throw new InvalidInputException("cannot read " + p);
      }
    }
    ServerOptions o =
        new ServerOptions(
            d.host(), d.port(), noAuth, limits, rate, origins, cert, key,
            duration("--idle-timeout", idleTimeout, config, "serve.idle-timeout", ServerOptions.DEFAULT_IDLE_TIMEOUT),
            duration("--shutdown-grace", shutdownGrace, config, "serve.shutdown-grace", ServerOptions.DEFAULT_SHUTDOWN_GRACE),
            config.getDuration("serve.tus-expiry", ServerOptions.DEFAULT_TUS_EXPIRY),
            config.getDuration("serve.token-ttl", dev.ingest.auth.JobTokens.DEFAULT_TTL),
            config.getDuration("serve.events-poll", ServerOptions.DEFAULT_EVENTS_POLL),
            config.getDuration("serve.events-heartbeat", ServerOptions.DEFAULT_EVENTS_HEARTBEAT));
    if (noAuth && !o.loopback()) {
      throw new InvalidInputException("--no-auth is only allowed with a loopback --listen address such as 127.0.0.1:8080");
    }
    if (o.idleTimeout().isZero() || o.idleTimeout().isNegative()) {
      throw new InvalidInputException("--idle-timeout must be positive");
    }
    return o;
  }

  private static Duration duration(String flag, String value, IngestConfig config, String key, Duration fallback) {
    return value != null ? Flags.read(flag, () -> Durations.parse(value)) : config.getDuration(key, fallback);
  }
}
