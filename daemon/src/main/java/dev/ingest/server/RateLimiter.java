package dev.ingest.server;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests per key per second on this server: a token bucket per key that refills at {@code rate} per second
 * and holds up to {@code burst}. A rate of 0 or less turns it off.
 */
public final class RateLimiter {
  private final double rate;
  private final double burst;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  public RateLimiter(double rate) {
    this.rate = rate;
    this.burst = Math.max(1, rate * 2);
  }

  public boolean enabled() {
    return rate > 0;
  }

  /** Takes a token for {@code key}; returns 0 when granted, else the seconds to wait before the next one. */
  public long acquire(String key, long nowNanos) {
    if (rate <= 0) {
      return 0;
    }
    Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(burst, nowNanos));
    synchronized (b) {
      b.tokens = Math.min(burst, b.tokens + (nowNanos - b.at) / 1e9 * rate);
      b.at = nowNanos;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - b.tokens) / rate));
    }
  }
}
