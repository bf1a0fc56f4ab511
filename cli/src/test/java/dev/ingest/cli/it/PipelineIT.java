package dev.ingest.cli.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
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
import dev.ingest.testing.FakeEmbeddings;
import dev.ingest.testing.TestFiles;
import dev.ingest.webhook.WebhookSignature;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every supported format, embeddings, exec, webhooks and a plug-in step, through the built jar. */
class PipelineIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Path home;
  private Jar jar;

  @BeforeEach
  void setUp() throws Exception {
    home = dir.resolve("home");
    jar = new Jar(home);
  }

  @AfterEach
  void tearDown() {
    jar.killAll();
  }

  /** Uploads the files with --wait and returns job ids by file name. */
  private Map<String, String> uploadAndWait(Path folder, String... extra) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("upload", folder.toString(), "--wait", "--json"));
    args.addAll(List.of(extra));
    Jar.Run r = jar.run(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.out() + r.err());
    Map<String, String> ids = new LinkedHashMap<>();
    for (String line : r.out().lines().toList()) {
      JsonNode node = JSON.readTree(line);
      assertEquals("completed", node.get("status").asText(), line);
      ids.put(Path.of(node.get("path").asText()).getFileName().toString(), node.get("jobId").asText());
    }
    return ids;
  }

  @Test
  void everySupportedFormatIsProcessedFromARealFile() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    TestFiles.pdf(in.resolve("annual.pdf"), "Revenue grew in every region.", "The board approved the plan.");
    TestFiles.html(in.resolve("page.html"), "Release notes", "Version two ships faster uploads.");
    Files.write(in.resolve("legacy.txt"), "Café crème, naïve résumé.".getBytes(Charset.forName("windows-1252")));
    Files.writeString(in.resolve("notes.md"), "# Meeting notes\n\nWe agreed on **three** goals.\n");
    Files.writeString(in.resolve("people.csv"), "name,city\nAda,London\nGrace,\"Arlington, VA\"\n");
    Files.writeString(in.resolve("items.json"), "[{\"sku\": \"A-1\", \"name\": \"Anvil\"}, {\"sku\": \"B-2\", \"name\": \"Bellows\"}]");
    Files.writeString(in.resolve("events.jsonl"), "{\"event\": \"signup\"}\n{\"event\": \"upgrade\"}\n");
    TestFiles.docx(in.resolve("report.docx"), "Quarterly report", "Sales doubled in the third quarter.");
    TestFiles.xlsx(in.resolve("stock.xlsx"), List.of(List.of("item", "count"), List.of("widgets", "42")));
    TestFiles.pptx(in.resolve("deck.pptx"), "Launch plan for spring");
    TestFiles.odt(in.resolve("letter.odt"), "Dear customer, your order has shipped.");

    Map<String, String> ids = uploadAndWait(in);
    assertEquals(11, ids.size());
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("annual.pdf", "The board approved the plan.");
    expected.put("page.html", "Version two ships faster uploads.");
    expected.put("legacy.txt", "Café crème, naïve résumé.");
    expected.put("notes.md", "We agreed on three goals.");
    expected.put("people.csv", "name: Grace\ncity: Arlington, VA");
    expected.put("items.json", "{\"sku\":\"B-2\",\"name\":\"Bellows\"}");
    expected.put("events.jsonl", "{\"event\":\"upgrade\"}");
    expected.put("report.docx", "Sales doubled in the third quarter.");
    expected.put("stock.xlsx", "widgets");
    expected.put("deck.pptx", "Launch plan for spring");
    expected.put("letter.odt", "Dear customer, your order has shipped.");
    for (Map.Entry<String, String> e : expected.entrySet()) {
      Jar.Run result = jar.run("result", ids.get(e.getKey()));
      assertEquals(0, result.code(), e.getKey() + ": " + result.err());
      assertTrue(result.out().contains(e.getValue()), e.getKey() + " gave: " + result.out());
    }
    Jar.Run chunks = jar.run("result", ids.get("people.csv"), "--json");
    List<String> texts = chunks.out().lines().map(l -> read(l).get("text").asText()).toList();
    assertEquals(List.of("name: Ada\ncity: London\n\nname: Grace\ncity: Arlington, VA"), texts);
    Jar.Run status = jar.run("status", ids.get("report.docx"), "--json");
    JsonNode job = JSON.readTree(status.out());
    assertEquals("Quarterly report", job.get("result").get("title").asText());
    assertEquals(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", job.get("result").get("type").asText());
  }

  @Test
  void brokenFilesFailWithAReasonAndTheRestAreProcessed() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.writeString(in.resolve("broken.pdf"), "%PDF-1.7 not really");
    Files.writeString(in.resolve("broken.json"), "{\"a\": ");
    Files.writeString(in.resolve("fine.txt"), "all good");
    Jar.Run r = jar.run("upload", in.toString(), "--wait", "--json");
    assertEquals(1, r.code(), "a waited-for job failed: " + r.err());
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    for (String line : r.out().lines().toList()) {
      JsonNode node = read(line);
      byName.put(Path.of(node.get("path").asText()).getFileName().toString(), node);
    }
    assertEquals("failed", byName.get("broken.pdf").get("status").asText());
    assertEquals("failed", byName.get("broken.json").get("status").asText());
    assertEquals("completed", byName.get("fine.txt").get("status").asText());
    JsonNode failed = JSON.readTree(jar.run("status", byName.get("broken.json").get("jobId").asText(), "--json").out());
    assertEquals("corrupt_input", failed.get("error").get("type").asText());
    assertTrue(failed.get("error").get("message").asText().startsWith("broken.json: invalid JSON at line 1"), failed.toString());
    assertEquals(1, failed.get("attempts").asInt(), "corrupt input is not retried");
  }

  @Test
  void aWorkerEmbedsRunsExecStepsAndAnnouncesFinishedJobsToSignedWebhooks() throws Exception {
    WireMockServer peer = new WireMockServer(options().dynamicPort().extensions(new FakeEmbeddings()));
    peer.start();
    try {
      peer.stubFor(post(urlEqualTo("/v1/embeddings")).willReturn(aResponse().withStatus(200).withTransformers("fake-embeddings")));
      peer.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(200)));
      Path config =
          Files.writeString(
              dir.resolve("ingest.properties"),
              "pipeline.docs.steps=extract,chunk,embed,store\n"
                  + "pipeline.docs.chunk.size=200\n"
                  + "pipeline.shout.steps=exec,store\n"
                  + "pipeline.shout.exec.command=[\"tr\", \"a-z\", \"A-Z\"]\n");
      jar.env("INGEST_CONFIG", config.toString())
          .env("INGEST_EMBED_API_KEY", "sk-very-secret-key")
          .env("INGEST_WEBHOOK_SECRET", "whsec-very-secret");
      Path pdf = TestFiles.pdf(dir.resolve("long.pdf"), TestFiles.prose(30));
      Path txt = Files.writeString(dir.resolve("quiet.txt"), "make me loud");
      String docs = idOf(jar.run("upload", pdf.toString(), "--pipeline", "docs", "--json"));
      String shout = idOf(jar.run("upload", txt.toString(), "--pipeline", "shout", "--json"));

      Process worker =
          jar.start("worker", "--embed-url", peer.baseUrl(), "--embed-model", "mini", "--webhook", peer.baseUrl() + "/hook");
      await().atMost(Duration.ofSeconds(60)).until(() -> peer.findAll(postRequestedFor(urlEqualTo("/hook"))).size() == 2);

      List<String> lines = jar.run("result", docs, "--json").out().lines().toList();
      assertTrue(lines.size() > 3, "chunks: " + lines.size());
      for (String line : lines) {
        JsonNode chunk = read(line);
        assertEquals(chunk.get("text").asText().length(), chunk.get("embedding").get(1).asInt(), line);
      }
      peer.verify(postRequestedFor(urlEqualTo("/v1/embeddings")).withHeader("Authorization", equalTo("Bearer sk-very-secret-key")));
      assertEquals("MAKE ME LOUD", jar.run("result", shout).out().strip());

      for (LoggedRequest hook : peer.findAll(postRequestedFor(urlEqualTo("/hook")))) {
        String body = hook.getBodyAsString();
        assertTrue(WebhookSignature.verify("whsec-very-secret", hook.getHeader("Ingest-Signature"), body), body);
        JsonNode posted = JSON.readTree(body);
        assertTrue(List.of(docs, shout).contains(posted.get("id").asText()), body);
        assertEquals("completed", posted.get("status").asText());
      }
      worker.destroy();
      assertEquals(0, Jar.await(worker, Duration.ofSeconds(30)), jar.err(worker));
      assertFalse(jar.err(worker).contains("sk-very-secret-key") || jar.err(worker).contains("whsec-very-secret"), jar.err(worker));
      assertFalse(jar.run("config").out().contains("very-secret"), "config masks the secrets");
    } finally {
      peer.stop();
    }
  }

  @Test
  void aCustomStepInAPluginJarIsFoundByTheWorker() throws Exception {
    Path plugins = Files.createDirectories(home.resolve("plugins"));
    try (OutputStream file = Files.newOutputStream(plugins.resolve("upper-step.jar"));
        JarOutputStream out = new JarOutputStream(file)) {
      out.putNextEntry(new JarEntry("META-INF/services/dev.ingest.pipeline.StepFactory"));
      out.write("dev.ingest.testing.UpperCaseStepFactory\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      for (String cls : List.of("UpperCaseStepFactory", "UpperCaseStepFactory$1")) {
        String name = "dev/ingest/testing/" + cls + ".class";
        out.putNextEntry(new JarEntry(name));
        try (InputStream bytes = getClass().getClassLoader().getResourceAsStream(name)) {
          bytes.transferTo(out);
        }
      }
    }
    Path config = Files.writeString(dir.resolve("ingest.properties"), "pipeline.loud.steps=extract,upper,chunk,store\n");
    jar.env("INGEST_CONFIG", config.toString());
    Path txt = Files.writeString(dir.resolve("words.txt"), "plug-ins work");
    String id = idOf(jar.run("upload", txt.toString(), "--pipeline", "loud", "--json"));
    Jar.Run worker = jar.run("worker", "--drain");
    assertEquals(0, worker.code(), worker.err());
    assertEquals("PLUG-INS WORK", jar.run("result", id).out().strip());
  }

  private static String idOf(Jar.Run upload) throws Exception {
    assertEquals(0, upload.code(), upload.err());
    return JSON.readTree(upload.out().lines().findFirst().orElseThrow()).get("jobId").asText();
  }

  private static JsonNode read(String line) {
    try {
      return JSON.readTree(line);
    } catch (java.io.IOException e) {
      throw new AssertionError(line, e);
    }
  }
}
