package dev.ingest.core;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How long a job waits before its next attempt: {@code base * factor^(attempt-1)}, capped, then spread by
 * a jitter of up to ±{@code jitter} so that jobs that failed together do not all come back together.
 */
public record RetryPolicy(Duration base, double factor, Duration cap, double jitter) {
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(Duration.ofSeconds(5), 2.0, Duration.ofMinutes(10), 0.2);

  public static RetryPolicy backoff(Duration base, double factor) {
    return new RetryPolicy(base, factor, DEFAULT.cap, DEFAULT.jitter);
  }

  public RetryPolicy cappedAt(Duration cap) {
    return new RetryPolicy(base, factor, cap, jitter);
  }

  public RetryPolicy withJitter(double jitter) {
    return new RetryPolicy(base, factor, cap, jitter);
  }

  /** The delay after failed attempt number {@code attempt} (1-based); {@code random} yields values in [0,1). */
  public Duration delayAfter(int attempt, DoubleSupplier random) {
    double raw = base.toMillis() * Math.pow(factor, Math.max(0, attempt - 1));
    double capped = Math.min(raw, cap.toMillis());
    double spread = capped * jitter * (2 * random.getAsDouble() - 1);
    return Duration.ofMillis(Math.max(0, Math.round(capped + spread)));
  }
}
