package dev.ingest.webhook;

import dev.ingest.core.PermanentFailure;
import dev.ingest.core.RetryableFailure;
import dev.ingest.pipeline.Step;
import dev.ingest.pipeline.StepContext;
import java.io.IOException;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Delivers one webhook: POSTs the stored job object to the delivery's URL with {@code Ingest-Signature},
 * {@code Ingest-Event} and {@code Ingest-Delivery} (the delivery job's id, the same on every retry, for
 * receivers to drop duplicates). A 2xx answer completes the delivery; anything else fails the attempt so the
 * queue retries it with backoff; 410 Gone stops it at once.
 */
public final class WebhookStep implements Step {
  private static final MediaType JSON = MediaType.get("application/json");

  private final WebhookSettings settings;
  private final OkHttpClient http;

  public WebhookStep(WebhookSettings settings) {
    this.settings = settings;
    this.http =
        new OkHttpClient.Builder()
            .callTimeout(settings.timeout())
            .followRedirects(false)
            .retryOnConnectionFailure(false)
            .build();
  }

  @Override
  public String name() {
    return "webhook";
  }

  @Override
  public void run(StepContext ctx) {
    Map<String, String> meta = ctx.job().meta();
    String url = meta.get("url");
    String body = meta.get("body");
    if (url == null || body == null) {
      throw new PermanentFailure("bad_delivery", "webhook delivery without url or body");
    }
    Request.Builder request =
        new Request.Builder()
            .url(url)
            .post(RequestBody.create(body, JSON))
            .header("Ingest-Event", meta.getOrDefault("event", "job.finished"))
            .header("Ingest-Delivery", ctx.job().id());
    if (settings.secret() != null) {
      long t = ctx.clock().now().getEpochSecond();
      request.header(WebhookSignature.HEADER, WebhookSignature.sign(settings.secret(), t, body));
    }
    try (Response response = http.newCall(request.build()).execute()) {
      int code = response.code();
      if (code == 410) {
        throw new PermanentFailure("webhook_gone", "webhook receiver " + url + " answered 410 Gone");
      }
      if (code < 200 || code > 299) {
        throw new RetryableFailure("webhook_failed", "webhook receiver " + url + " answered " + code);
      }
      ctx.document().result().put("url", url);
      ctx.document().result().put("status", code);
    } catch (IOException e) {
      throw new RetryableFailure("webhook_failed", "webhook receiver " + url + " unreachable: " + e.getMessage());
    }
  }
}
