package dev.ingest.pipeline.steps;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.ingest.core.Job;
import dev.ingest.core.JobStatus;
import dev.ingest.testing.TestFiles;
import dev.ingest.testing.WorkerHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exec and embed steps inside real pipelines run by a worker. */
class ExecAndEmbedStepsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private WorkerHarness h;

  @BeforeEach
  void setUp() {
    h = new WorkerHarness(dir);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void execFeedsTheFileOnStdinAndItsOutputBecomesTheText() throws Exception {
    Path txt = Files.writeString(dir.resolve("in.txt"), "shout this");
    h.start(Map.of("pipeline.loud.steps", "exec,chunk,store", "pipeline.loud.exec.command", "tr a-z A-Z"));
    Job done = h.awaitStatus(h.upload(txt, "loud"), JobStatus.COMPLETED);
    assertEquals("SHOUT THIS", h.text(done));
    assertTrue(h.chunks(done).contains("\"text\":\"SHOUT THIS\""));
  }

  @Test
  void execPutsTheFilesPathWhereTheCommandSaysAndTakesAJsonArgumentList() throws Exception {
    Path txt = Files.writeString(dir.resolve("in.txt"), "one\ntwo\nthree\n");
    h.start(Map.of("pipeline.count.steps", "exec,store", "pipeline.count.exec.command", "[\"wc\", \"-l\", \"{file}\"]"));
    Job done = h.awaitStatus(h.upload(txt, "count"), JobStatus.COMPLETED);
    assertTrue(h.text(done).startsWith("3 "), h.text(done));
  }

  @Test
  void aFailingCommandFailsTheJobWithTheTailOfItsStderr() throws Exception {
    Path txt = Files.writeString(dir.resolve("in.txt"), "x");
    h.start(Map.of(
        "pipeline.bad.steps", "exec,store",
        "pipeline.bad.exec.command", "[\"sh\", \"-c\", \"echo first line >&2; echo converter gave up on page 3 >&2; exit 3\"]"));
    Job failed = h.awaitStatus(h.upload(txt, "bad"), JobStatus.FAILED);
    assertEquals("exec_failed", failed.error().type());
    assertEquals("exec: 'sh' exited 3: first line converter gave up on page 3", failed.error().message());
    assertEquals(1, failed.attempts(), "a non-zero exit is not retried");
  }

  @Test
  void aCommandRunningPastItsTimeoutIsKilledAndRetried() throws Exception {
    Path txt = Files.writeString(dir.resolve("in.txt"), "x");
    Path marker = dir.resolve("runs");
    h.start(Map.of(
        "pipeline.slow.steps", "exec",
        "pipeline.slow.exec.command", "[\"sh\", \"-c\", \"echo run >> '" + marker + "'; exec sleep 30\"]",
        "pipeline.slow.exec.timeout", "300ms"));
    Job job = h.upload(txt, "slow");
    Job failed = h.awaitStatus(job, JobStatus.FAILED);
    assertEquals("timeout", failed.error().type());
    assertTrue(failed.error().message().contains("ran longer than 300ms"), failed.error().message());
    assertEquals(3, failed.attempts());
    assertEquals(3, Files.readAllLines(marker).size());
  }

  @Test
  void embedAddsAVectorToEveryStoredChunk() throws Exception {
    WireMockServer server = new WireMockServer(options().dynamicPort().extensions(new dev.ingest.testing.FakeEmbeddings()));
    server.start();
    try {
      server.stubFor(post(urlEqualTo("/v1/embeddings")).willReturn(aResponse().withStatus(200).withTransformers("fake-embeddings")));
      Path pdf = TestFiles.pdf(dir.resolve("doc.pdf"), TestFiles.prose(40));
      h.start(Map.of("embed.url", server.baseUrl(), "embed.model", "tiny", "chunk.size", "300"));
      Job done = h.awaitStatus(h.upload(pdf, "auto"), JobStatus.COMPLETED);

      JsonNode result = JSON.readTree(done.resultJson());
      assertEquals("tiny", result.get("embeddingModel").asText());
      assertEquals(3, result.get("dimensions").asInt());
      List<String> lines = h.chunks(done).lines().toList();
      assertEquals(result.get("chunks").asInt(), lines.size());
      assertEquals(lines.size(), result.get("embeddings").asInt());
      for (String line : lines) {
        JsonNode chunk = JSON.readTree(line);
        assertEquals(chunk.get("text").asText().length(), chunk.get("embedding").get(1).asInt());
      }
    } finally {
      server.stop();
    }
  }
}
