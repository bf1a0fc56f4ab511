package dev.ingest.embed;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.ingest.core.PermanentFailure;
import dev.ingest.core.RetryableFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The embedding client against a WireMock endpoint that answers like OpenAI's, faults included. */
class EmbeddingClientTest {
  private WireMockServer server;
  private final List<Duration> pauses = new ArrayList<>();

  @BeforeEach
  void start() {
    server = new WireMockServer(options().dynamicPort().extensions(new dev.ingest.testing.FakeEmbeddings()));
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private EmbeddingClient client(int batch, Duration timeout, int attempts) {
    return new EmbeddingClient(
        new EmbeddingOptions(server.baseUrl(), "test-model", "sk-test-secret", batch, timeout, attempts, Duration.ofSeconds(30)));
  }

  private List<float[]> embed(EmbeddingClient client, List<String> inputs) throws InterruptedException {
    return client.embed(inputs, pauses::add, done -> {});
  }

  private void answerVectors() {
    server.stubFor(post(urlEqualTo("/v1/embeddings")).willReturn(aResponse().withStatus(200).withTransformers("fake-embeddings")));
  }

  @Test
  void sendsInputsInBatchesAndKeepsTheirOrder() throws Exception {
    answerVectors();
    List<String> inputs = IntStream.range(0, 10).mapToObj(i -> "x".repeat(i + 1)).toList();
    List<float[]> vectors = embed(client(4, Duration.ofSeconds(5), 3), inputs);

    assertEquals(10, vectors.size());
    for (int i = 0; i < 10; i++) {
      assertArrayEquals(new float[] {i % 4, i + 1, 0.5f}, vectors.get(i), "vector " + i);
    }
    server.verify(3, postRequestedFor(urlEqualTo("/v1/embeddings")));
    server.verify(2, postRequestedFor(urlEqualTo("/v1/embeddings")).withRequestBody(matchingJsonPath("$.input.length()", equalTo("4"))));
    server.verify(1, postRequestedFor(urlEqualTo("/v1/embeddings")).withRequestBody(matchingJsonPath("$.input.length()", equalTo("2"))));
    server.verify(3, postRequestedFor(urlEqualTo("/v1/embeddings"))
        .withHeader("Authorization", equalTo("Bearer sk-test-secret"))
        .withRequestBody(matchingJsonPath("$.model", equalTo("test-model"))));
  }

  @Test
  void tooManyRequestsIsRetriedAfterTheDelayTheServerAsks() throws Exception {
    server.stubFor(post(urlEqualTo("/v1/embeddings")).inScenario("limits").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7").withBody("{\"error\":{\"message\":\"slow down\"}}"))
        .willSetStateTo("ok"));
    server.stubFor(post(urlEqualTo("/v1/embeddings")).inScenario("limits").whenScenarioStateIs("ok")
        .willReturn(aResponse().withStatus(200).withTransformers("fake-embeddings")));

    List<float[]> vectors = embed(client(8, Duration.ofSeconds(5), 3), List.of("a", "bb"));

    assertEquals(2, vectors.size());
    assertEquals(List.of(Duration.ofSeconds(7)), pauses);
    server.verify(2, postRequestedFor(urlEqualTo("/v1/embeddings")));
  }

  @Test
  void serverErrorsAreRetriedWithBackoffThenGiveUpRetryably() {
    server.stubFor(post(urlEqualTo("/v1/embeddings")).willReturn(aResponse().withStatus(503).withBody("overloaded")));

    RetryableFailure f = assertThrows(RetryableFailure.class, () -> embed(client(8, Duration.ofSeconds(5), 3), List.of("a")));

    assertEquals("embedding_unavailable", f.type());
    assertTrue(f.getMessage().contains("answered 503"), f.getMessage());
    assertEquals(2, pauses.size());
    assertTrue(pauses.get(1).compareTo(Duration.ZERO) > 0);
    server.verify(3, postRequestedFor(urlEqualTo("/v1/embeddings")));
  }

  @Test
  void aBadRequestFailsPermanentlyAtOnceWithTheServersReason() {
    server.stubFor(post(urlEqualTo("/v1/embeddings"))
        .willReturn(aResponse().withStatus(400).withBody("{\"error\":{\"message\":\"input too long for model\"}}")));

    PermanentFailure f = assertThrows(PermanentFailure.class, () -> embed(client(8, Duration.ofSeconds(5), 5), List.of("a")));

    assertEquals("embedding_rejected", f.type());
    assertEquals("embedding endpoint answered 400: input too long for model", f.getMessage());
    assertFalse(f.getMessage().contains("sk-test-secret"));
    assertTrue(pauses.isEmpty());
    server.verify(1, postRequestedFor(urlEqualTo("/v1/embeddings")));
  }

  @Test
  void aSlowServerTimesOutAndIsRetried() {
    server.stubFor(post(urlEqualTo("/v1/embeddings"))
        .willReturn(aResponse().withStatus(200).withFixedDelay(3_000).withTransformers("fake-embeddings")));

    RetryableFailure f =
        assertThrows(RetryableFailure.class, () -> embed(client(8, Duration.ofMillis(300), 2), List.of("a")));

    assertTrue(f.getMessage().contains("timed out after 300 ms"), f.getMessage());
    server.verify(2, postRequestedFor(urlEqualTo("/v1/embeddings")));
  }

  @Test
  void retryAfterReadsSecondsAndHttpDates() {
    java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");
    assertEquals(Duration.ofMillis(1500), RetryAfter.parse("1.5", now).orElseThrow());
    assertEquals(Duration.ofSeconds(30), RetryAfter.parse("Thu, 01 Jan 2026 00:00:30 GMT", now).orElseThrow());
    assertTrue(RetryAfter.parse("soon", now).isEmpty());
  }

  @Test
  void theEndpointPathFollowsTheBaseUrl() {
    assertEquals("http://h/v1/embeddings", EmbeddingClient.endpoint("http://h/"));
    assertEquals("http://h/openai/v1/embeddings", EmbeddingClient.endpoint("http://h/openai/v1"));
  }
}
