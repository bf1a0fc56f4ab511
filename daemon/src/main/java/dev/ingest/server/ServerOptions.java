package dev.ingest.server;

import dev.ingest.upload.UploadLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How {@code ingest serve} runs. Built from flags and configuration by the command; defaults are the
 * {@code DEFAULT_*} constants.
 */
public record ServerOptions(
    String host,
    int port,
    boolean noAuth,
    UploadLimits limits,
    double rateLimit,
    List<String> corsOrigins,
    Path tlsCert,
    Path tlsKey,
    Duration idleTimeout,
    Duration shutdownGrace,
    Duration tusExpiry,
    Duration tokenTtl,
    Duration eventsPoll,
    Duration eventsHeartbeat) {

  public static final String DEFAULT_LISTEN = "127.0.0.1:8080";
  public static final double DEFAULT_RATE_LIMIT = 100;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_TUS_EXPIRY = Duration.ofHours(24);
  public static final Duration DEFAULT_EVENTS_POLL = Duration.ofMillis(100);
  public static final Duration DEFAULT_EVENTS_HEARTBEAT = Duration.ofSeconds(15);

  /** The defaults, listening where {@code listen} says. */
  public static ServerOptions defaults(String listen) {
    HostPort hp = HostPort.parse(listen);
    return new ServerOptions(
        hp.host(), hp.port(), false, UploadLimits.NONE, DEFAULT_RATE_LIMIT, List.of("*"), null, null,
        DEFAULT_IDLE_TIMEOUT, DEFAULT_SHUTDOWN_GRACE, DEFAULT_TUS_EXPIRY, dev.ingest.auth.JobTokens.DEFAULT_TTL,
        DEFAULT_EVENTS_POLL, DEFAULT_EVENTS_HEARTBEAT);
  }

  public boolean tls() {
    return tlsCert != null;
  }

  /** A {@code HOST:PORT} to listen on; {@code [::1]:8080} for IPv6. */
  public record HostPort(String host, int port) {
    public static HostPort parse(String listen) {
      String s = listen.trim();
      int colon = s.lastIndexOf(':');
      if (colon < 0) {
        throw new dev.ingest.core.InvalidInputException("--listen must be HOST:PORT, got '" + listen + "'");
      }
      String host = s.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        int port = Integer.parseInt(s.substring(colon + 1));
        if (port < 0 || port > 65535) {
          throw new NumberFormatException();
        }
        return new HostPort(host.isEmpty() ? "0.0.0.0" : host, port);
      } catch (NumberFormatException e) {
        throw new dev.ingest.core.InvalidInputException("--listen needs a port from 0 to 65535, got '" + listen + "'");
      }
    }
  }

  /** Whether the address only accepts connections from this machine. */
  public boolean loopback() {
    try {
      return java.net.InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
