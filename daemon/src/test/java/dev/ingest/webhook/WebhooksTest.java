package dev.ingest.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.ingest.core.Job;
import dev.ingest.core.JobStatus;
import dev.ingest.core.NewJob;
import dev.ingest.queue.JobFilter;
import dev.ingest.testing.WorkerHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finished jobs announced to WireMock receivers through delivery jobs run by a real worker. */
class WebhooksTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "whsec-test";
  @TempDir Path dir;
  private WorkerHarness h;
  private WireMockServer receiver;
  private WebhookDispatcher dispatcher;

  @BeforeEach
  void setUp() {
    h = new WorkerHarness(dir);
    receiver = new WireMockServer(options().dynamicPort());
    receiver.start();
  }

  @AfterEach
  void tearDown() {
    if (dispatcher != null) {
      dispatcher.close();
    }
    h.close();
    receiver.stop();
  }

  private void startWith(String urls, String maxAttempts) {
    startWith(Map.of("urls", urls, "secret", SECRET, "max-attempts", maxAttempts));
  }

  /** A worker and a dispatcher with these webhook options ({@code urls}, {@code secret}, {@code timeout}, …). */
  private void startWith(Map<String, String> options) {
    Map<String, String> settings = new java.util.HashMap<>();
    options.forEach((k, v) -> settings.put("webhook." + k, v));
    h.start(settings);
    dispatcher = new WebhookDispatcher(h.queue, WebhookSettings.from(options)).start(Duration.ofMillis(100));
  }

  private List<Job> deliveries() {
    return h.queue.list(new JobFilter(null, null, 100)).stream().filter(j -> j.pipeline().equals("webhook")).toList();
  }

  private Job onlyDelivery(JobStatus status) {
    await().atMost(Duration.ofSeconds(30)).until(() -> deliveries().size() == 1 && deliveries().get(0).status() == status);
    return deliveries().get(0);
  }

  private void finishAJob() throws Exception {
    h.awaitStatus(h.upload(Files.writeString(dir.resolve("job-" + System.nanoTime() + ".txt"), "announce me " + System.nanoTime()), "auto"),
        JobStatus.COMPLETED);
  }

  private List<LoggedRequest> received(String path) {
    return receiver.findAll(postRequestedFor(urlEqualTo(path)));
  }

  @Test
  void aCompletedJobIsPostedAsItsJsonObjectSignedWithTheSecret() throws Exception {
    receiver.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(204)));
    startWith(receiver.baseUrl() + "/hook", "3");
    Job job = h.awaitStatus(h.upload(Files.writeString(dir.resolve("a.txt"), "hello hooks"), "auto"), JobStatus.COMPLETED);

    await().atMost(Duration.ofSeconds(20)).until(() -> received("/hook").size() == 1);
    LoggedRequest request = received("/hook").get(0);
    String body = request.getBodyAsString();
    JsonNode posted = JSON.readTree(body);
    assertEquals(job.id(), posted.get("id").asText());
    assertEquals("completed", posted.get("status").asText());
    assertEquals("a.txt", posted.get("file").get("name").asText());
    assertTrue(posted.get("result").has("chunks"));
    assertEquals("job.completed", request.getHeader("Ingest-Event"));

    String signature = request.getHeader(WebhookSignature.HEADER);
    assertTrue(WebhookSignature.verify(SECRET, signature, body), signature);
    assertFalse(WebhookSignature.verify("another-secret", signature, body));
    assertFalse(WebhookSignature.verify(SECRET, signature, body.replace("completed", "failed")));
    long t = Long.parseLong(signature.substring(2, signature.indexOf(',')));
    assertTrue(Math.abs(Instant.now().getEpochSecond() - t) < 300, "timestamp is the send time");

    // why: the receiver answers before the worker records the delivery as completed.
    Job delivery = h.awaitStatus(h.queue.get(request.getHeader("Ingest-Delivery")), JobStatus.COMPLETED);
    assertEquals("webhook", delivery.pipeline());
    assertEquals(job.id(), delivery.meta().get("jobId"));
  }

  @Test
  void aDeadReceiverNeitherDelaysNorFailsTheJobAndItsDeliveryIsRetriedThenDeadLettered() throws Exception {
    receiver.stubFor(post(urlEqualTo("/down")).willReturn(aResponse().withStatus(503)));
    receiver.stubFor(post(urlEqualTo("/up")).willReturn(aResponse().withStatus(200)));
    startWith(receiver.baseUrl() + "/down," + receiver.baseUrl() + "/up", "3");
    Job job = h.awaitStatus(h.upload(Files.writeString(dir.resolve("b.txt"), "still processed"), "auto"), JobStatus.COMPLETED);
    assertEquals(1, h.queue.get(job.id()).attempts());

    await().atMost(Duration.ofSeconds(30)).until(() ->
        h.queue.list(new JobFilter(JobStatus.FAILED, null, 10)).stream().anyMatch(j -> j.pipeline().equals("webhook")));
    Job dead = h.queue.list(new JobFilter(JobStatus.FAILED, null, 10)).get(0);
    assertEquals(3, dead.attempts());
    assertEquals("webhook_failed", dead.error().type());
    assertTrue(dead.error().message().endsWith("/down answered 503"), dead.error().message());
    assertEquals(3, received("/down").size());
    assertEquals(1, received("/up").size(), "the healthy receiver got its delivery once");
    assertEquals(JobStatus.COMPLETED, h.queue.get(job.id()).status());
  }

  @Test
  void failedAndCancelledJobsAreAnnouncedToo() throws Exception {
    receiver.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(200)));
    // why: cancelled while queued, before any worker could claim it (a running job only stops cooperatively).
    h.queue.subscribeToEvents(WebhookDispatcher.SUBSCRIBER);
    Job cancelled = h.queue.enqueue(NewJob.builder("auto").queue("elsewhere").build()).job();
    h.queue.cancel(cancelled.id());
    startWith(receiver.baseUrl() + "/hook", "3");
    Job failed = h.queue.enqueue(NewJob.builder("no-such-pipeline").build()).job();
    h.awaitStatus(failed, JobStatus.FAILED);

    await().atMost(Duration.ofSeconds(20)).until(() -> received("/hook").size() == 2);
    Map<String, String> events = new java.util.HashMap<>();
    for (LoggedRequest r : received("/hook")) {
      events.put(JSON.readTree(r.getBodyAsString()).get("id").asText(), r.getHeader("Ingest-Event"));
    }
    assertEquals(Map.of(cancelled.id(), "job.cancelled", failed.id(), "job.failed"), events);
  }

  @Test
  void aDeletedJobIsAnnouncedAsJobDeletedWithItsJsonAsItWas() throws Exception {
    receiver.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(200)));
    startWith(receiver.baseUrl() + "/hook", "3");
    Job job = h.awaitStatus(h.upload(Files.writeString(dir.resolve("gone.txt"), "soon erased"), "auto"), JobStatus.COMPLETED);
    await().atMost(Duration.ofSeconds(20)).until(() -> received("/hook").size() == 1);

    new dev.ingest.deletion.DeleteService(
            h.queue, new dev.ingest.files.sql.SqlFileCatalog(h.db), new dev.ingest.queue.sql.SqlDeletions(h.db, dev.ingest.core.Clock.SYSTEM), h.store,
            dev.ingest.core.Clock.SYSTEM)
        .deleteJobs(null, List.of(job.id()), Duration.ZERO);

    await().atMost(Duration.ofSeconds(20)).until(() -> received("/hook").size() == 2);
    LoggedRequest deleted = received("/hook").stream().filter(r -> "job.deleted".equals(r.getHeader("Ingest-Event"))).findFirst().orElseThrow();
    JsonNode posted = JSON.readTree(deleted.getBodyAsString());
    assertEquals(job.id(), posted.get("id").asText());
    assertEquals("completed", posted.get("status").asText(), "the job as it was when deleted");
    assertEquals("gone.txt", posted.get("file").get("name").asText());
    assertTrue(WebhookSignature.verify(SECRET, deleted.getHeader(WebhookSignature.HEADER), deleted.getBodyAsString()));
  }

  @Test
  void a410GoneStopsTheDeliveryAtOnce() throws Exception {
    receiver.stubFor(post(urlEqualTo("/gone")).willReturn(aResponse().withStatus(410)));
    startWith(receiver.baseUrl() + "/gone", "5");
    finishAJob();
    Job dead = onlyDelivery(JobStatus.FAILED);
    assertEquals(1, dead.attempts(), "no retry: the receiver said it is gone for good");
    assertEquals("webhook_gone", dead.error().type());
    assertFalse(dead.error().retryable());
    assertEquals(1, received("/gone").size());
  }

  @Test
  void aRedirectIsNotFollowedAndIsRetriedAsAFailure() throws Exception {
    receiver.stubFor(post(urlEqualTo("/moved")).willReturn(aResponse().withStatus(302).withHeader("Location", receiver.baseUrl() + "/elsewhere")));
    receiver.stubFor(post(urlEqualTo("/elsewhere")).willReturn(aResponse().withStatus(200)));
    startWith(receiver.baseUrl() + "/moved", "2");
    finishAJob();
    Job dead = onlyDelivery(JobStatus.FAILED);
    assertEquals(2, dead.attempts());
    assertTrue(dead.error().message().endsWith("/moved answered 302"), dead.error().message());
    assertEquals(0, received("/elsewhere").size(), "a signed body is never sent where the receiver did not ask");
  }

  @Test
  void anUnreachableReceiverAndOneTooSlowToAnswerAreRetriedThenDeadLettered() throws Exception {
    receiver.stubFor(post(urlEqualTo("/slow")).willReturn(aResponse().withStatus(200).withFixedDelay(3000)));
    String closed = "http://127.0.0.1:1/hook";
    startWith(Map.of("urls", closed + "," + receiver.baseUrl() + "/slow", "max-attempts", "2", "timeout", "500ms"));
    finishAJob();
    await().atMost(Duration.ofSeconds(30)).until(() -> deliveries().size() == 2 && deliveries().stream().allMatch(j -> j.status() == JobStatus.FAILED));
    for (Job dead : deliveries()) {
      assertEquals(2, dead.attempts());
      assertEquals("webhook_failed", dead.error().type());
      assertTrue(dead.error().message().contains("unreachable"), dead.error().message());
    }
  }

  @Test
  void retriesCarryTheSameDeliveryIdAndWithoutASecretNothingIsSigned() throws Exception {
    receiver.stubFor(post(urlEqualTo("/flaky")).inScenario("flaky").whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
        .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
    receiver.stubFor(post(urlEqualTo("/flaky")).inScenario("flaky").whenScenarioStateIs("up").willReturn(aResponse().withStatus(200)));
    startWith(Map.of("urls", receiver.baseUrl() + "/flaky", "max-attempts", "3"));
    finishAJob();
    Job delivered = onlyDelivery(JobStatus.COMPLETED);
    List<LoggedRequest> requests = received("/flaky");
    assertEquals(2, requests.size());
    assertEquals(delivered.id(), requests.get(0).getHeader("Ingest-Delivery"));
    assertEquals(delivered.id(), requests.get(1).getHeader("Ingest-Delivery"), "receivers drop duplicates by this id");
    assertEquals(requests.get(0).getBodyAsString(), requests.get(1).getBodyAsString());
    assertFalse(requests.get(1).containsHeader(WebhookSignature.HEADER), "no secret configured: no signature");
  }
}
