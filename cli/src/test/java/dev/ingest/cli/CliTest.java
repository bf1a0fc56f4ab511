package dev.ingest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ingest.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> JOB_FIELDS =
      Set.of(
          "id", "queue", "pipeline", "status", "priority", "attempts", "maxAttempts", "dedupeKey", "progress", "file",
          "result", "error", "createdAt", "startedAt", "finishedAt");
  private static final Set<String> UPLOAD_FIELDS =
      Set.of("jobId", "path", "fileId", "sha256", "size", "status", "deduplicated");

  @TempDir Path dir;
  private Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(dir.resolve("home"));
  }

  private static JsonNode json(String line) throws Exception {
    return JSON.readTree(line);
  }

  private static Set<String> fields(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private String uploadJson(Path file, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("upload", file.toString(), "--json"));
    args.addAll(List.of(extra));
    Cli.Result r = cli.run(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    return json(r.firstLine()).get("jobId").asText();
  }

  /** The documented exit code and exactly one stderr line, {@code ingest: …} holding {@code fragment}. */
  static void assertOneLineError(Cli.Result r, int code, String fragment) {
    assertEquals(code, r.code(), "stdout: " + r.out() + " stderr: " + r.err());
    List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), "one line on stderr: " + r.err());
    assertTrue(lines.get(0).startsWith("ingest: "), r.err());
    assertTrue(lines.get(0).contains(fragment), "'" + fragment + "' in: " + r.err());
  }

  @Test
  void uploadPrintsOneJsonLinePerFileWithTheContractFields() throws Exception {
    Path a = Files.writeString(dir.resolve("a.txt"), "alpha");
    Path b = Files.writeString(dir.resolve("b.md"), "# beta");
    Cli.Result r = cli.run("upload", a.toString(), b.toString(), "--json", "--no-progress");
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(2, lines.size());
    JsonNode first = json(lines.get(0));
    assertTrue(fields(first).containsAll(UPLOAD_FIELDS), fields(first).toString());
    assertEquals("queued", first.get("status").asText());
    assertEquals(5, first.get("size").asLong());
    assertFalse(first.get("deduplicated").asBoolean());
    assertTrue(first.get("jobId").asText().startsWith("job_"));
    assertTrue(first.get("fileId").asText().startsWith("file_"));
    assertEquals(64, first.get("sha256").asText().length());
  }

  @Test
  void uploadOfADirectoryTakesEveryFileInIt() throws Exception {
    Path docs = Files.createDirectories(dir.resolve("docs/sub"));
    Files.writeString(docs.resolve("one.txt"), "1");
    Files.writeString(docs.resolve("two.txt"), "22");
    Files.writeString(dir.resolve("docs/three.txt"), "333");
    Files.writeString(dir.resolve("docs/.hidden"), "secret");
    Cli.Result r = cli.run("upload", dir.resolve("docs").toString(), "--json");
    assertEquals(0, r.code(), r.err());
    assertEquals(3, r.out().lines().count());
  }

  @Test
  void textUploadLineNamesJobStatusAndFile() throws Exception {
    Path a = Files.writeString(dir.resolve("notes.txt"), "some notes");
    Cli.Result r = cli.run("upload", a.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().matches("job_\\w+ +queued +.*notes\\.txt +10 B\\n"), r.out());
  }

  @Test
  void missingFileIsExit2WithOneLineAndNothingEnqueued() {
    Cli.Result r = cli.run("upload", dir.resolve("nope.pdf").toString());
    assertOneLineError(r, ExitCodes.USAGE, "no such file");
    assertEquals("", cli.run("jobs", "list").out());
  }

  @Test
  void badFlagsAndValuesAreUsageErrors() throws Exception {
    Path a = Files.writeString(dir.resolve("a.txt"), "a");
    assertEquals(ExitCodes.USAGE, cli.run("upload", a.toString(), "--bogus").code());
    assertOneLineError(cli.run("upload", a.toString(), "--priority", "whenever"), ExitCodes.USAGE, "invalid priority");
    assertOneLineError(cli.run("upload", a.toString(), "--part-size", "1MiB"), ExitCodes.USAGE, "--part-size");
    assertOneLineError(cli.run("jobs", "list", "--status", "sleeping"), ExitCodes.USAGE, "unknown status");
    assertOneLineError(cli.run("cleanup", "--older-than", "soon"), ExitCodes.USAGE, "invalid duration");
    assertEquals(ExitCodes.USAGE, cli.run("status").code());
  }

  @Test
  void uploadLimitsRefuseABatchBeforeAnyByteIsStored() throws Exception {
    Path batch = Files.createDirectories(dir.resolve("batch"));
    Files.writeString(batch.resolve("a-small.txt"), "small");
    Files.write(batch.resolve("b-big.bin"), new byte[4096]);
    Cli limited = new Cli(dir.resolve("home")).env("INGEST_UPLOAD_MAX_SIZE", "1KiB");
    assertOneLineError(limited.run("upload", batch.toString()), ExitCodes.USAGE, "b-big.bin is 4.0 KiB, over the upload limit of 1.0 KiB");
    assertEquals("", cli.run("jobs", "list").out(), "the small file, first in the batch, must not be enqueued either");
    assertFalse(Files.exists(dir.resolve("home/blobs/objects")) && Files.list(dir.resolve("home/blobs/objects")).findAny().isPresent(),
        "nothing stored");

    // judged from the content: a text file named .pdf is text
    Path fake = Files.writeString(dir.resolve("fake.pdf"), "just text, not a PDF");
    Cli pdfOnly = new Cli(dir.resolve("home")).env("INGEST_UPLOAD_ALLOWED_TYPES", "application/pdf,image/*");
    assertOneLineError(pdfOnly.run("upload", fake.toString()), ExitCodes.USAGE, "fake.pdf is text/plain, not an allowed type");
    Path real = TestFiles.pdf(dir.resolve("real.png"), "a real PDF under any name");
    Cli.Result allowed = pdfOnly.run("upload", real.toString(), "--json");
    assertEquals(0, allowed.code(), allowed.err());
    assertEquals(1, cli.run("jobs", "list").out().lines().count());
    // under a type policy the type recorded is the one the policy judged: the content's, not the name's
    String id = json(allowed.firstLine()).get("jobId").asText();
    assertEquals("application/pdf", json(cli.run("status", id, "--json").firstLine()).get("file").get("mimeType").asText());
  }

  @Test
  void withoutATypePolicyAWellNamedFileIsRecordedByItsNameAndTheContentDecidesTheRest() throws Exception {
    Path md = Files.writeString(dir.resolve("notes.md"), "# Notes\n\nPlain words.\n");
    Path goMod = Files.writeString(dir.resolve("go.mod"), "module example.com/hello\n\ngo 1.22\n");
    Path pdf = TestFiles.pdf(dir.resolve("scan.txt"), "a PDF named as text");
    assertEquals("text/markdown", mimeTypeOf(uploadJson(md)));
    assertEquals("text/plain", mimeTypeOf(uploadJson(goMod)), "Tika names go.mod audio; its bytes are text");
    assertEquals("application/pdf", mimeTypeOf(uploadJson(pdf)), "binary bytes are not believed to be .txt");
  }

  private String mimeTypeOf(String jobId) throws Exception {
    return json(cli.run("status", jobId, "--json").firstLine()).get("file").get("mimeType").asText();
  }

  @Test
  void aRateLimitedUploadStoresTheFileWhole() throws Exception {
    Path f = dir.resolve("paced.bin");
    byte[] data = new byte[3 * 1024 * 1024 + 17];
    new java.util.Random(3).nextBytes(data);
    Files.write(f, data);
    Cli.Result r = cli.run("upload", f.toString(), "--limit-rate", "8MiB/s", "--json");
    assertEquals(0, r.code(), r.err());
    String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
    assertEquals(sha, json(r.firstLine()).get("sha256").asText());
  }

  @Test
  void aJobPastItsTimeLimitEndsAsATimeoutThatStatusShows() throws Exception {
    Path conf = Files.writeString(dir.resolve("slow.properties"), "pipeline.slow.steps=delay\npipeline.slow.delay.duration=1h\n");
    Path f = Files.writeString(dir.resolve("slow.txt"), "takes for ever");
    Cli.Result r =
        cli.run("--config", conf.toString(), "upload", f.toString(), "--pipeline", "slow", "--timeout", "1s", "--max-attempts", "1", "--wait", "--json");
    assertEquals(ExitCodes.JOB_FAILED, r.code(), r.err());
    String id = json(r.firstLine()).get("jobId").asText();
    JsonNode status = json(cli.run("--config", conf.toString(), "status", id, "--json").firstLine());
    assertEquals(1, status.get("timeoutSeconds").asInt());
    assertEquals("timeout", status.get("error").get("type").asText());
    assertEquals("ran past its time limit of 1s in step delay", status.get("error").get("message").asText());
    assertOneLineError(cli.run("upload", f.toString(), "--timeout", "0s"), ExitCodes.USAGE, "--timeout must be between 1s and 7d");
  }

  @Test
  void stepOptionsTravelWithTheJobAndThoseThePipelineDoesNotAllowAreRefusedAtUpload() throws Exception {
    Path f = Files.writeString(dir.resolve("options.txt"), "a few words to chunk ".repeat(40));
    Cli.Result r = cli.run("upload", f.toString(), "--option", "chunk.size=100", "--option", "chunk.overlap=0", "--wait", "--json");
    assertEquals(0, r.code(), r.err());
    String id = json(r.firstLine()).get("jobId").asText();
    JsonNode status = json(cli.run("status", id, "--json").firstLine());
    assertEquals("100", status.get("options").get("chunk.size").asText());
    long chunks = cli.run("result", id, "--json").out().lines().count();
    assertTrue(chunks >= 8, "800 characters in chunks of 100: " + chunks);

    assertOneLineError(cli.run("upload", f.toString(), "--option", "exec.command=rm", "--force"), ExitCodes.USAGE, "option exec.command is not allowed for pipeline 'auto'");
    assertOneLineError(cli.run("upload", f.toString(), "--option", "chunk.size=lots", "--force"), ExitCodes.USAGE, "refuses the job's options");
    assertOneLineError(cli.run("upload", f.toString(), "--option", "size=1"), ExitCodes.USAGE, "--option key must be step.option");
    assertEquals(1, cli.run("jobs", "list").out().lines().count(), "refused uploads enqueue nothing");
  }

  @Test
  void aPipelineWithAnEnqueueStepLeavesOneFollowUpJobThatNamesItsParent() throws Exception {
    Path conf =
        Files.writeString(
            dir.resolve("follow.properties"),
            "pipeline.docs.steps=extract,chunk,store,enqueue\npipeline.docs.enqueue.pipeline=index\npipeline.docs.enqueue.queue=indexing\n");
    Path f = Files.writeString(dir.resolve("follow.txt"), "some text to index later");
    Cli.Result r = cli.run("--config", conf.toString(), "upload", f.toString(), "--pipeline", "docs", "--meta", "team=legal", "--wait", "--json");
    assertEquals(0, r.code(), r.err());
    String parent = json(r.firstLine()).get("jobId").asText();
    List<String> followUps = cli.run("jobs", "list", "--queue", "indexing", "--json").out().lines().toList();
    assertEquals(1, followUps.size());
    JsonNode next = json(followUps.get(0));
    assertEquals(parent, next.get("parent").asText());
    assertEquals("index", next.get("pipeline").asText());
    assertEquals("legal", next.get("meta").get("team").asText());
    assertTrue(cli.run("status", next.get("id").asText()).out().contains("follow-up of " + parent));
  }

  @Test
  void aJobOrAFileIsDeletedForGoodWithWhatOnlyItUsed() throws Exception {
    Path f = Files.writeString(dir.resolve("erase.txt"), "personal data to erase");
    String first = uploadJson(f, "--wait");
    String second = uploadJson(f, "--pipeline", "noop", "--wait");
    JsonNode file = json(cli.run("files", "list", "--json").firstLine());
    assertEquals(2, file.get("jobs").asInt());
    String fileId = file.get("id").asText();
    Path blobs = dir.resolve("home/blobs");
    assertTrue(Files.exists(blobs.resolve("results/" + first + "/text.txt")));

    assertOneLineError(cli.run("jobs", "delete", first, "job_00000000000000000000000000"), ExitCodes.NOT_FOUND, "no job");
    assertEquals(0, cli.run("status", first).code(), "an unknown id among them: nothing deleted");

    Cli.Result deleted = cli.run("jobs", "delete", first);
    assertEquals(0, deleted.code(), deleted.err());
    assertEquals(first + "  deleted", deleted.out().trim(), "the file stays: the other job uses it");
    assertEquals(ExitCodes.NOT_FOUND, cli.run("status", first).code());
    assertFalse(Files.exists(blobs.resolve("results/" + first + "/text.txt")));
    assertTrue(Files.exists(blobs.resolve("objects/" + fileId)));

    Cli.Result gone = cli.run("files", "delete", fileId, "--json");
    assertEquals(0, gone.code(), gone.err());
    assertEquals(second, json(gone.firstLine()).get("jobs").get(0).asText());
    assertFalse(Files.exists(blobs.resolve("objects/" + fileId)));
    assertEquals("", cli.run("files", "list").out());
    assertEquals("", cli.run("jobs", "list").out());
    assertOneLineError(cli.run("files", "delete", fileId), ExitCodes.NOT_FOUND, "no file");
  }

  @Test
  void waitingOrFollowingAJobThatEndsFailedOrCancelledExits1() throws Exception {
    Path corrupt = Files.write(dir.resolve("broken.pdf"), "%PDF-1.4 not really".getBytes());
    Cli.Result failed = cli.run("upload", corrupt.toString(), "--wait", "--json");
    assertEquals(ExitCodes.JOB_FAILED, failed.code(), failed.err());
    String failedId = json(failed.firstLine()).get("jobId").asText();
    Cli.Result followFailed = cli.run("status", failedId, "--follow");
    assertEquals(ExitCodes.JOB_FAILED, followFailed.code());
    assertTrue(followFailed.out().contains("failed"), followFailed.out());

    Path queued = Files.writeString(dir.resolve("queued.txt"), "never run");
    String cancelled = uploadJson(queued);
    assertEquals(0, cli.run("jobs", "cancel", cancelled).code());
    Cli.Result followCancelled = cli.run("status", cancelled, "--follow");
    assertEquals(ExitCodes.JOB_FAILED, followCancelled.code(), "a cancelled job did not complete");
    assertTrue(followCancelled.out().contains("cancelled"), followCancelled.out());
    assertEquals(ExitCodes.OK, cli.run("status", cancelled).code(), "status without --follow only reports");
  }

  @Test
  void aWorkerWithAMisconfiguredPipelineOrPeerRefusesToStart() throws Exception {
    assertOneLineError(cli.run("worker", "--drain", "--embed-url", "ftp://embeddings.local"), ExitCodes.USAGE, "embed url must be http(s)");
    assertOneLineError(cli.run("worker", "--drain", "--webhook", "hooks.local/x"), ExitCodes.USAGE, "webhook URL must be http(s)");
    Path config = java.nio.file.Files.writeString(dir.resolve("bad.properties"), "pipeline.ocr.steps=exec,store\n");
    assertOneLineError(cli.run("--config", config.toString(), "worker", "--drain"), ExitCodes.USAGE, "exec needs");
  }

  @Test
  void aDrainingWorkerAnnouncesWhatItFinishedBeforeItExits() throws Exception {
    com.github.tomakehurst.wiremock.WireMockServer receiver =
        new com.github.tomakehurst.wiremock.WireMockServer(
            com.github.tomakehurst.wiremock.core.WireMockConfiguration.options().dynamicPort());
    receiver.start();
    try {
      receiver.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/hook")
          .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(204)));
      String hook = receiver.baseUrl() + "/hook";
      assertEquals(0, cli.run("worker", "--drain", "--webhook", hook).code()); // subscribes; nothing to do
      Path a = java.nio.file.Files.writeString(dir.resolve("announce.txt"), "tell them");
      String id = cli.run("upload", a.toString(), "--json").firstLine().replaceAll(".*\"jobId\":\"([^\"]+)\".*", "$1");

      Cli.Result worker = cli.run("worker", "--drain", "--webhook", hook);

      assertEquals(0, worker.code(), worker.err());
      var posted = receiver.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
          com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/hook")));
      assertEquals(1, posted.size(), "delivered before the drained worker exited");
      assertTrue(posted.get(0).getBodyAsString().contains(id));
    } finally {
      receiver.stop();
    }
  }

  @Test
  void unknownJobIsExit3() {
    assertOneLineError(cli.run("status", "job_doesnotexist"), ExitCodes.NOT_FOUND, "no job job_doesnotexist");
    assertOneLineError(cli.run("result", "job_doesnotexist"), ExitCodes.NOT_FOUND, "no job");
    assertOneLineError(cli.run("jobs", "cancel", "job_doesnotexist"), ExitCodes.NOT_FOUND, "no job");
  }

  @Test
  void statusJsonCarriesEveryContractField() throws Exception {
    String id = uploadJson(Files.writeString(dir.resolve("s.txt"), "status me"), "--meta", "team=ops", "--priority", "high");
    Cli.Result r = cli.run("status", id, "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode job = json(r.firstLine());
    assertTrue(fields(job).containsAll(JOB_FIELDS), fields(job).toString());
    assertEquals(Set.of("percent", "stage", "message"), fields(job.get("progress")));
    assertEquals(Set.of("id", "name", "size", "sha256", "mimeType"), fields(job.get("file")));
    assertEquals("text/plain", job.get("file").get("mimeType").asText());
    assertEquals(10, job.get("priority").asInt());
    assertEquals("ops", job.get("meta").get("team").asText());
    assertEquals(3, job.get("maxAttempts").asInt());
  }

  @Test
  void uploadWaitProcessesTheFileAndResultPrintsItsText() throws Exception {
    Path pdf = TestFiles.pdf(dir.resolve("report.pdf"), "Quarterly numbers went up.", "Costs went down.");
    Cli.Result r = cli.run("upload", pdf.toString(), "--wait", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode line = json(r.firstLine());
    assertEquals("completed", line.get("status").asText());
    String id = line.get("jobId").asText();

    Cli.Result text = cli.run("result", id);
    assertEquals(0, text.code(), text.err());
    assertTrue(text.out().contains("Quarterly numbers went up."));
    assertTrue(text.out().contains("Costs went down."));

    Cli.Result chunks = cli.run("result", id, "--json");
    assertEquals(0, chunks.code());
    JsonNode chunk = json(chunks.firstLine());
    assertEquals(0, chunk.get("seq").asInt());
    assertEquals(1, chunk.get("page").asInt());

    JsonNode status = json(cli.run("status", id, "--json").firstLine());
    assertEquals(2, status.get("result").get("pages").asInt());
    assertEquals("application/pdf", status.get("result").get("type").asText());
  }

  @Test
  void identicalUploadReturnsTheExistingJobUnlessForced() throws Exception {
    Path a = Files.writeString(dir.resolve("same.txt"), "same content");
    Path b = Files.writeString(dir.resolve("copy.txt"), "same content");
    String first = uploadJson(a);
    Cli.Result again = cli.run("upload", b.toString(), "--json");
    JsonNode line = json(again.firstLine());
    assertEquals(first, line.get("jobId").asText());
    assertTrue(line.get("deduplicated").asBoolean());
    Cli.Result forced = cli.run("upload", b.toString(), "--json", "--force");
    assertFalse(json(forced.firstLine()).get("jobId").asText().equals(first));
  }

  @Test
  void waitingOnACorruptFileExits1AndKeepsTheReason() throws Exception {
    Path bad = Files.write(dir.resolve("broken.pdf"), "%PDF-1.5 garbage".getBytes());
    Cli.Result r = cli.run("upload", bad.toString(), "--wait");
    assertEquals(ExitCodes.JOB_FAILED, r.code(), r.err());
    assertTrue(r.out().contains("failed"), r.out());
    assertTrue(r.out().contains("broken.pdf: not a readable PDF"), r.out());
    String id = r.out().substring(0, r.out().indexOf(' '));
    Cli.Result result = cli.run("result", id);
    assertEquals(ExitCodes.JOB_FAILED, result.code());
    assertTrue(result.err().contains("failed"));
  }

  @Test
  void resultOfAJobThatHasNotRunIsNotFound() throws Exception {
    String id = uploadJson(Files.writeString(dir.resolve("later.txt"), "later"));
    assertOneLineError(cli.run("result", id), ExitCodes.NOT_FOUND, "no result yet");
  }

  @Test
  void jobsCanBeListedCancelledAndRetried() throws Exception {
    String id = uploadJson(Files.writeString(dir.resolve("c.txt"), "cancel me"));
    Cli.Result listed = cli.run("jobs", "list", "--status", "queued", "--json");
    assertEquals(id, json(listed.firstLine()).get("id").asText());

    Cli.Result cancelled = cli.run("jobs", "cancel", id);
    assertEquals(0, cancelled.code(), cancelled.err());
    assertTrue(cancelled.out().contains("cancelled"));
    assertOneLineError(cli.run("jobs", "cancel", id), ExitCodes.USAGE, "is cancelled and cannot become cancelled");

    Cli.Result retried = cli.run("jobs", "retry", id);
    assertEquals(0, retried.code(), retried.err());
    assertTrue(retried.out().contains("queued"));
    assertEquals("", cli.run("jobs", "list", "--status", "cancelled").out());
  }

  @Test
  void workerDrainProcessesWhatIsDueAndExits0() throws Exception {
    String id = uploadJson(Files.writeString(dir.resolve("w.txt"), "worker input"));
    Cli.Result worker = cli.run("worker", "--drain", "--concurrency", "2");
    assertEquals(0, worker.code(), worker.err());
    assertEquals("completed", json(cli.run("status", id, "--json").firstLine()).get("status").asText());
    Cli.Result follow = cli.run("status", id, "--follow");
    assertEquals(0, follow.code());
    assertTrue(follow.out().contains("completed"));
  }

  @Test
  void queueStatsCountsJobsByQueueAndState() throws Exception {
    uploadJson(Files.writeString(dir.resolve("q1.txt"), "one"), "--queue", "mail");
    uploadJson(Files.writeString(dir.resolve("q2.txt"), "two"), "--queue", "mail");
    Cli.Result r = cli.run("queue", "stats", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode stats = json(r.firstLine());
    assertEquals(2, stats.get("queues").get("mail").get("queued").asInt());
    assertTrue(cli.run("queue", "stats").out().contains("mail:  queued 2"));
  }

  @Test
  void unreachableDatabaseIsExit4() {
    Cli.Result r = cli.run("--db", "postgresql://ingest:secret@127.0.0.1:1/ingest", "jobs", "list");
    assertOneLineError(r, ExitCodes.UNAVAILABLE, "unavailable");
    assertFalse(r.err().contains("secret"), "password leaked: " + r.err());
  }

  @Test
  void unusableSqlitePathIsExit4() throws Exception {
    Path blocker = Files.writeString(dir.resolve("not-a-dir"), "x");
    Cli.Result r = cli.run("status", "job_x", "--db", "sqlite:" + blocker.resolve("ingest.db"));
    assertEquals(ExitCodes.UNAVAILABLE, r.code(), r.err());
  }

  @Test
  void aStoreThatIsNoStoreIsOneUsageErrorBeforeAnyFileNotOnePerFile() throws Exception {
    Path a = Files.writeString(dir.resolve("a.txt"), "a");
    Path b = Files.writeString(dir.resolve("b.txt"), "b");
    Cli.Result r = cli.run("upload", a.toString(), b.toString(), "--store", dir.resolve("no-scheme").toString());
    CliTest.assertOneLineError(r, ExitCodes.USAGE, "unsupported store");
    assertFalse(r.err().contains("a.txt"), "about the setting, not the file: " + r.err());
    assertTrue(r.err().contains("--store"), r.err());
    assertEquals(0, cli.run("jobs", "list").out().lines().count(), "nothing enqueued");
  }

  @Test
  void optionsWorkBeforeOrAfterTheSubcommand() throws Exception {
    Path other = dir.resolve("elsewhere.db");
    Path a = Files.writeString(dir.resolve("a.txt"), "a");
    assertEquals(0, cli.run("--db", "sqlite:" + other, "upload", a.toString()).code());
    assertEquals(1, cli.run("jobs", "list", "--db", "sqlite:" + other).out().lines().count());
    assertEquals(0, cli.run("jobs", "list").out().lines().count(), "the default database is untouched");
  }

  @Test
  void configFileSuppliesDefaultsAndFlagsBeatEnvironmentBeatFile() throws Exception {
    Path fileDb = dir.resolve("from-file.db");
    Path envDb = dir.resolve("from-env.db");
    Path config = Files.writeString(dir.resolve("ingest.properties"), "db=sqlite:" + fileDb + "\n");
    Path a = Files.writeString(dir.resolve("a.txt"), "a");
    assertEquals(0, cli.run("--config", config.toString(), "upload", a.toString()).code());
    assertTrue(Files.exists(fileDb));
    cli.env("INGEST_DB", "sqlite:" + envDb);
    assertEquals(0, cli.run("--config", config.toString(), "upload", a.toString()).code());
    assertTrue(Files.exists(envDb));
    assertOneLineError(cli.run("--config", dir.resolve("missing.properties").toString(), "jobs", "list"), ExitCodes.USAGE, "does not exist");
  }

  @Test
  void oneKeySetEverywhereTakesTheFlagThenTheEnvironmentThenTheNamedFileThenTheDefaultFile() throws Exception {
    Path xdg = Files.createDirectories(dir.resolve("home/config/ingest"));
    Files.writeString(xdg.resolve("ingest.properties"), "db=sqlite:/from/xdg.db\n");
    Path viaEnv = Files.writeString(dir.resolve("env.properties"), "db=sqlite:/from/ingest-config.db\n");
    Path viaFlag = Files.writeString(dir.resolve("flag.properties"), "db=sqlite:/from/config-flag.db\n");
    Cli everywhere = new Cli(dir.resolve("home")).env("INGEST_CONFIG", viaEnv.toString()).env("INGEST_DB", "sqlite:/from/env.db");

    assertEquals("sqlite:/from/flag.db flag", db(everywhere.run("--config", viaFlag.toString(), "--db", "sqlite:/from/flag.db", "config", "--json")));
    assertEquals("sqlite:/from/env.db env", db(everywhere.run("--config", viaFlag.toString(), "config", "--json")));
    Cli files = new Cli(dir.resolve("home")).env("INGEST_CONFIG", viaEnv.toString());
    assertEquals("sqlite:/from/config-flag.db file", db(files.run("--config", viaFlag.toString(), "config", "--json")), "--config beats INGEST_CONFIG");
    assertEquals("sqlite:/from/ingest-config.db file", db(files.run("config", "--json")), "INGEST_CONFIG beats the default file");
    assertEquals("sqlite:/from/xdg.db file", db(cli.run("config", "--json")), "the default file under XDG_CONFIG_HOME");
  }

  private static String db(Cli.Result r) throws Exception {
    assertEquals(0, r.code(), r.err());
    JsonNode db = json(r.out()).get("settings").get("db");
    return db.get("value").asText() + " " + db.get("source").asText().split(" ")[0];
  }

  @Test
  void aMetricsPortInUseIsAUsageErrorAndTheWorkerDoesNotStart() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Cli.Result r = cli.run("worker", "--drain", "--metrics-port", Integer.toString(taken.getLocalPort()));
      assertOneLineError(r, ExitCodes.USAGE, "cannot serve metrics on port " + taken.getLocalPort());
    }
  }

  @Test
  void verboseShowsTheStackTrace() {
    Cli.Result r = cli.run("--verbose", "upload", dir.resolve("nope.txt").toString());
    assertEquals(ExitCodes.USAGE, r.code());
    assertTrue(r.err().contains("\tat "), r.err());
  }

  @Test
  void cleanupDryRunCountsWithoutRemoving() throws Exception {
    uploadJson(Files.writeString(dir.resolve("old.txt"), "old"));
    assertEquals(0, cli.run("worker", "--drain").code());
    Cli.Result dry = cli.run("cleanup", "--older-than", "0s", "--dry-run");
    assertEquals(0, dry.code(), dry.err());
    assertTrue(dry.out().startsWith("would remove 1 job(s)"), dry.out());
    Cli.Result real = cli.run("cleanup", "--older-than", "0s");
    assertTrue(real.out().startsWith("removed 1 job(s), 1 file(s)"), real.out());
    assertEquals("", cli.run("jobs", "list").out());
  }

  @Test
  void cleanupRemovesOldObjectsNoFileNamesAndKeepsEveryOtherObject() throws Exception {
    // what a process killed between storing a small file and registering it leaves: an object no row names
    Cli.Result up = cli.run("upload", Files.writeString(dir.resolve("kept.txt"), "kept").toString(), "--json");
    String kept = json(up.firstLine()).get("fileId").asText();
    Path objects = dir.resolve("home/blobs/objects");
    Path stray = Files.writeString(objects.resolve("file_killedbeforeregistering"), "orphan");
    Files.setLastModifiedTime(stray, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(7200)));
    Path young = Files.writeString(objects.resolve("file_maybestillregistering"), "young");
    Files.setLastModifiedTime(objects.resolve(kept), java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(7200)));

    Cli.Result dry = cli.run("cleanup", "--older-than", "1h", "--dry-run");
    assertEquals("would remove 0 job(s), 0 file(s), 0 abandoned upload(s), 1 stray object(s)", dry.out().strip(), dry.err());
    assertTrue(Files.exists(stray), "a dry run removes nothing");

    Cli.Result real = cli.run("cleanup", "--older-than", "1h");
    assertEquals("removed 0 job(s), 0 file(s), 0 abandoned upload(s), 1 stray object(s)", real.out().strip(), real.err());
    assertFalse(Files.exists(stray));
    assertTrue(Files.exists(young), "younger than --older-than: its upload may still be registering it");
    assertTrue(Files.exists(objects.resolve(kept)), "an object its file names stays");

    // why: an upload running beside `cleanup --older-than 0s` has stored its object a moment before its row
    Cli.Result now = cli.run("cleanup", "--older-than", "0s");
    assertEquals(0, now.code(), now.err());
    assertTrue(Files.exists(young), "an object written within the hour is no stray, whatever --older-than says");
  }

  @Test
  void configShowsEffectiveSettingsAndTheirSourcesWithSecretsMasked() throws Exception {
    Path file = Files.writeString(dir.resolve("ingest.properties"), "worker.concurrency=7\npipeline.docs.steps=extract,store\n");
    cli.env("INGEST_DB", "postgresql://ingest:hunter2@db.example:5432/ingest")
        .env("AWS_SECRET_ACCESS_KEY", "very-secret");
    Cli.Result r = cli.run("--config", file.toString(), "--store", "file:/srv/blobs", "config", "--json");
    assertEquals(0, r.code(), r.err());
    assertFalse(r.out().contains("hunter2"), r.out());
    assertFalse(r.out().contains("very-secret"), r.out());
    JsonNode settings = json(r.firstLine()).get("settings");
    assertEquals("postgresql://ingest:***@db.example:5432/ingest", settings.get("db").get("value").asText());
    assertEquals("env INGEST_DB", settings.get("db").get("source").asText());
    assertEquals("flag", settings.get("store").get("source").asText());
    assertEquals("7", settings.get("worker.concurrency").get("value").asText());
    assertEquals("file", settings.get("worker.concurrency").get("source").asText());
    assertEquals("extract,store", settings.get("pipeline.docs.steps").get("value").asText());
    assertEquals("set", json(r.firstLine()).get("secrets").get("AWS_SECRET_ACCESS_KEY").asText());
    Cli.Result text = cli.run("--config", file.toString(), "config");
    assertTrue(text.out().contains("worker.concurrency     7  (file)"), text.out());
  }

  @Test
  void doctorReportsEveryCheckAndExits4WhenOneFails() throws Exception {
    Cli.Result healthy = cli.run("doctor");
    assertEquals(0, healthy.code(), healthy.out() + healthy.err());
    assertTrue(healthy.out().contains("ok    database"), healthy.out());
    assertTrue(healthy.out().contains("ok    store"), healthy.out());

    Path blocker = Files.writeString(dir.resolve("not-a-folder"), "x");
    Cli.Result broken =
        cli.run(
            "--db", "postgresql://ingest:hunter2@127.0.0.1:1/ingest", "--store", "file:" + blocker.resolve("blobs"),
            "doctor", "--json");
    assertEquals(ExitCodes.UNAVAILABLE, broken.code(), broken.out());
    assertFalse(broken.out().contains("hunter2"), broken.out());
    List<JsonNode> checks = new ArrayList<>();
    for (String line : broken.out().lines().toList()) {
      checks.add(json(line));
    }
    assertEquals(List.of("config", "database", "store"), checks.stream().map(c -> c.get("check").asText()).toList());
    assertFalse(checks.get(1).get("ok").asBoolean());
    assertFalse(checks.get(2).get("ok").asBoolean());
  }

  @Test
  void completionScriptsCoverTheSubcommands() {
    Cli.Result bash = cli.run("completion", "bash");
    assertEquals(0, bash.code(), bash.err());
    assertTrue(bash.out().contains("complete -F"), bash.out());
    assertTrue(bash.out().contains("upload") && bash.out().contains("--dedupe-key"));
    assertEquals(0, cli.run("completion", "zsh").code());
    assertEquals(ExitCodes.USAGE, cli.run("completion", "fish").code());
  }

  @Test
  void versionAndHelpWork() {
    assertEquals(0, cli.run("--version").code());
    Cli.Result help = cli.run("upload", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("Examples:"));
  }
}
