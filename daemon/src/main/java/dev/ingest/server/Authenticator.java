package dev.ingest.server;

import dev.ingest.auth.ApiKey;
import dev.ingest.auth.ApiKeys;
import dev.ingest.auth.JobTokens;
import dev.ingest.auth.Scope;
import dev.ingest.core.Clock;
import dev.ingest.core.NewJob;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds who a request acts for: {@code Authorization: Bearer <key>}, or, on routes that read one job, a job
 * token in the {@code token} query parameter. Verified keys are remembered for {@link #CACHE_TTL}, so a
 * revoked key stops working within that time on every server; unknown tokens are never cached.
 */
public final class Authenticator {
  static final Duration CACHE_TTL = Duration.ofSeconds(5);
  private static final int CACHE_MAX = 10_000;

  private final ApiKeys keys;
  private final JobTokens tokens;
  private final Clock clock;
  private final boolean open;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(ApiKey key, Instant until) {}

  /** {@code open}: no keys at all (loopback only), every request acts for the default tenant with every scope. */
  public Authenticator(ApiKeys keys, JobTokens tokens, Clock clock, boolean open) {
    this.keys = keys;
    this.tokens = tokens;
    this.clock = clock;
    this.open = open;
  }

  public JobTokens tokens() {
    return tokens;
  }

  /**
   * The principal of a request. {@code jobToken} is the token query parameter where the route accepts one
   * (null elsewhere); an Authorization header wins over it.
   */
  public Principal authenticate(String authorization, String jobToken) {
    if (open) {
      return new Principal(NewJob.DEFAULT_TENANT, EnumSet.allOf(Scope.class), null, "open");
    }
    if (authorization != null) {
      String token = bearer(authorization);
      ApiKey key = lookup(token).orElseThrow(() -> ApiError.unauthorized("unknown, malformed or revoked API key"));
      return new Principal(key.tenant(), key.scopes(), null, key.id());
    }
    if (jobToken != null) {
      JobTokens.Grant grant =
          tokens.verify(jobToken, clock.now()).orElseThrow(() -> ApiError.unauthorized("invalid or expired token"));
      return new Principal(grant.tenant(), EnumSet.of(Scope.READ), grant.jobId(), "job:" + grant.jobId());
    }
    throw ApiError.unauthorized("missing API key: send 'Authorization: Bearer <key>'");
  }

  private static String bearer(String header) {
    String h = header.trim();
    if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw ApiError.unauthorized("the Authorization header must be 'Bearer <key>'");
    }
    return h.substring(7).trim();
  }

  private Optional<ApiKey> lookup(String token) {
    Instant now = clock.now();
    Cached hit = cache.get(token);
    if (hit != null && now.isBefore(hit.until())) {
      return Optional.of(hit.key());
    }
    Optional<ApiKey> key = keys.authenticate(token);
    if (key.isPresent()) {
      if (cache.size() >= CACHE_MAX) {
        cache.clear();
      }
      cache.put(token, new Cached(key.get(), now.plus(CACHE_TTL)));
    } else {
      cache.remove(token);
    }
    return key;
  }
}
