package dev.ingest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ingest upload DIR --jobs N}: files at once, output in the order given, one bad file alone failing. */
@Timeout(120)
class UploadBatchTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(dir.resolve("home"));
  }

  private static List<JsonNode> lines(String out) throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : out.lines().toList()) {
      nodes.add(JSON.readTree(line));
    }
    return nodes;
  }

  @Test
  void filesGoUpTogetherAndAreReportedInTheOrderGiven() throws Exception {
    Path docs = Files.createDirectories(dir.resolve("docs"));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      // why: sizes vary so files finish out of order when they go up together.
      Path f = Files.writeString(docs.resolve(String.format("f%02d.txt", i)), "line of text\n".repeat(1 + (59 - i) * 200));
      expected.add(f.toString());
    }
    Cli.Result r = cli.run("upload", docs.toString(), "--jobs", "8", "--json");
    assertEquals(0, r.code(), r.err());
    List<JsonNode> out = lines(r.out());
    assertEquals(expected, out.stream().map(n -> n.path("path").asText()).toList());
    assertEquals(60, out.stream().map(n -> n.path("jobId").asText()).distinct().count());
    assertTrue(out.stream().allMatch(n -> n.path("status").asText().equals("queued")), r.out());

    Cli.Result listed = cli.run("jobs", "list", "--limit", "100", "--json");
    assertEquals(60, listed.out().lines().count(), listed.err());
  }

  @Test
  void aStoreThatRefusesWritesStopsTheBatchWithOneErrorAndTheExitCode() throws Exception {
    Path stored = Files.writeString(dir.resolve("stored.txt"), "content the store already has");
    assertEquals(0, cli.run("upload", stored.toString()).code());
    Path objects = dir.resolve("home/blobs/objects");
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc, where no file can be created");
    // why: a new file's object is created in the objects folder; pointed where nothing can be created, the store
    // refuses every new object, as a full or read-only disk would.
    Files.move(objects, dir.resolve("home/blobs/objects-before"));
    Files.createSymbolicLink(objects, Path.of("/proc/self"));
    Path fresh1 = Files.writeString(dir.resolve("fresh1.txt"), "new content one");
    Path fresh2 = Files.writeString(dir.resolve("fresh2.txt"), "new content two");

    Cli.Result r = cli.run("upload", fresh1.toString(), stored.toString(), fresh2.toString(), "--jobs", "1", "--json");

    assertEquals(ExitCodes.UNAVAILABLE, r.code(), r.err());
    List<JsonNode> out = lines(r.out());
    assertEquals(List.of(fresh1.toString(), stored.toString(), fresh2.toString()), out.stream().map(n -> n.path("path").asText()).toList());
    for (JsonNode failed : out) {
      assertEquals("unavailable", failed.path("error").path("type").asText(), failed.toString());
      assertEquals(4, failed.path("error").path("exitCode").asInt());
      assertFalse(failed.has("jobId"), failed.toString());
    }
    // why: the store being down is one piece of news, not one per file; the rest were not started
    assertEquals(
        List.of("ingest: ", "ingest: 2 file(s) not started after that; run the same command again to continue"),
        r.err().lines().map(l -> l.startsWith("ingest: 2 file") ? l : l.substring(0, 8)).toList(), r.err());
    assertTrue(r.err().lines().findFirst().orElseThrow().contains(fresh1.toString()), r.err());
    assertFalse(r.err().contains("Exception"), r.err());

    Cli.Result files = cli.run("files", "list", "--json");
    assertEquals(1, files.out().lines().count(), "nothing registered for the refused files: " + files.out());
  }

  @Test
  void aDatabaseThatIsDownIsOneErrorForTheWholeBatch() throws Exception {
    Path docs = Files.createDirectories(dir.resolve("many"));
    for (int i = 0; i < 5; i++) {
      Files.writeString(docs.resolve("f" + i + ".txt"), "file " + i);
    }
    Cli.Result r = cli.env("INGEST_DB", "postgresql://nobody:secret@127.0.0.1:1/none").run("upload", docs.toString(), "--jobs", "2");
    CliTest.assertOneLineError(r, ExitCodes.UNAVAILABLE, "database postgresql://127.0.0.1:1/none is unavailable");
    assertFalse(r.err().contains("secret"), r.err());
  }
}
