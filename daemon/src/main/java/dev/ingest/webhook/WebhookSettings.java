package dev.ingest.webhook;

import dev.ingest.config.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Where and how finished jobs are announced: {@code webhook.urls} (comma-separated; {@code --webhook}),
 * {@code webhook.secret} ({@code INGEST_WEBHOOK_SECRET}), {@code webhook.max-attempts} per delivery,
 * {@code webhook.timeout} per request.
 */
public record WebhookSettings(List<String> urls, String secret, int maxAttempts, Duration timeout) {
  public static final String PIPELINE = "webhook";

  public WebhookSettings {
    urls = List.copyOf(urls);
    for (String url : urls) {
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        throw new IllegalArgumentException("webhook URL must be http(s): " + url);
      }
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("webhook.max-attempts must be at least 1");
    }
  }

  /** From options named without the {@code webhook.} prefix. */
  public static WebhookSettings from(Map<String, String> o) {
    List<String> urls =
        Arrays.stream(o.getOrDefault("urls", "").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    String secret = o.get("secret");
    return new WebhookSettings(
        urls,
        secret == null || secret.isBlank() ? null : secret,
        Integer.parseInt(o.getOrDefault("max-attempts", "10")),
        Durations.parse(o.getOrDefault("timeout", "10s")));
  }

  public boolean enabled() {
    return !urls.isEmpty();
  }

  @Override
  public String toString() {
    return "WebhookSettings[urls=" + urls + ", secret=" + (secret == null ? "none" : "***") + "]";
  }
}
