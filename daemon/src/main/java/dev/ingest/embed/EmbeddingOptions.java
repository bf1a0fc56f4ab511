package dev.ingest.embed;

import dev.ingest.config.Durations;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of the embedding endpoint: {@code url} (required), {@code model}, {@code api-key} (from
 * {@code INGEST_EMBED_API_KEY}), {@code batch-size}, {@code timeout}, {@code max-attempts}, {@code max-wait}
 * (the longest pause between attempts, also the cap on {@code Retry-After}).
 */
public record EmbeddingOptions(
    String url, String model, String apiKey, int batchSize, Duration timeout, int maxAttempts, Duration maxWait) {
  public static final String DEFAULT_MODEL = "text-embedding-3-small";

  public EmbeddingOptions {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("embed needs a url (--embed-url, embed.url or INGEST_EMBED_URL)");
    }
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new IllegalArgumentException("embed url must be http(s): " + url);
    }
    if (batchSize < 1 || maxAttempts < 1) {
      throw new IllegalArgumentException("embed batch-size and max-attempts must be at least 1");
    }
  }

  public static EmbeddingOptions from(Map<String, String> o) {
    return new EmbeddingOptions(
        o.get("url"),
        o.getOrDefault("model", DEFAULT_MODEL),
        o.get("api-key"),
        Integer.parseInt(o.getOrDefault("batch-size", "64")),
        Durations.parse(o.getOrDefault("timeout", "60s")),
        Integer.parseInt(o.getOrDefault("max-attempts", "6")),
        Durations.parse(o.getOrDefault("max-wait", "60s")));
  }

  @Override
  public String toString() {
    return "EmbeddingOptions[url=" + url + ", model=" + model + ", apiKey=" + (apiKey == null ? "none" : "***") + "]";
  }
}
