package dev.ingest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Every option of every command, given a bad value, exits 2 with one line naming it, before anything is read,
 * stored or enqueued: on a database that already holds the very file, so that no early return (an existing
 * job, stored content) can get ahead of the checks. A new option must join the table below, or the list of
 * those that take any value, for this test to pass.
 */
class FlagsFirstTest {
  /** A bad use of an option: the command line after the subcommand path, and what the error must say. */
  private record Bad(String option, List<String> args, String says) {}

  private static Bad bad(String option, String says, String... args) {
    return new Bad(option, List.of(args), says);
  }

  /** Options (command path + name) whose every value is acceptable, and why. */
  private static final Map<String, String> ANY_VALUE =
      Map.of("worker --embed-model", "a model name is the embedding peer's business");

  @TempDir Path dir;
  private Cli cli;
  private Path a;

  @BeforeEach
  void setUp() throws Exception {
    cli = new Cli(dir.resolve("home"));
    a = Files.writeString(dir.resolve("a.txt"), "the same content, already uploaded");
    assertEquals(0, cli.run("upload", a.toString()).code());
  }

  private List<Bad> table() {
    String f = a.toString();
    return List.of(
        bad("upload PATH", "no such file", "upload", dir.resolve("missing.pdf").toString()),
        bad("upload --pipeline", "--pipeline", "upload", f, "--pipeline", "../x"),
        bad("upload --queue", "--queue", "upload", f, "--queue", ""),
        bad("upload --priority", "priority", "upload", f, "--priority", "whenever"),
        bad("upload --dedupe-key", "--dedupe-key", "upload", f, "--dedupe-key", " "),
        bad("upload --max-attempts", "--max-attempts", "upload", f, "--max-attempts", "-3"),
        bad("upload --jobs", "--jobs", "upload", f, "--jobs", "0"),
        bad("upload --max-attempts", "--max-attempts", "upload", f, "--max-attempts", "three"),
        bad("upload --meta", "--meta", "upload", f, "--meta", "=x"),
        bad("upload --part-size", "--part-size", "upload", f, "--part-size", "1KiB"),
        bad("upload --part-size", "--part-size", "upload", f, "--part-size", "lots"),
        bad("upload --parallel", "--parallel", "upload", f, "--parallel", "0"),
        bad("upload --option", "--option", "upload", f, "--option", "exec.command=rm"),
        bad("upload --option", "--option", "upload", f, "--option", "chunk.size=lots"),
        bad("upload --timeout", "--timeout", "upload", f, "--timeout", "forever"),
        bad("upload --timeout", "--timeout", "upload", f, "--timeout", "8d"),
        bad("upload --limit-rate", "--limit-rate", "upload", f, "--limit-rate", "fast"),
        bad("upload --wait", "--wait", "upload", f, "--wait=maybe"),
        bad("upload --force", "--force", "upload", f, "--force=sometimes"),
        bad("upload --no-progress", "--no-progress", "upload", f, "--no-progress=x"),
        bad("upload --json", "--json", "upload", f, "--json=x"),
        bad("status JOBID", "JOBID", "status", ""),
        bad("status --follow", "--follow", "status", "--follow=x", "job_x"),
        bad("status --json", "--json", "status", "--json=x", "job_x"),
        bad("result JOBID", "JOBID", "result", " "),
        bad("result --json", "--json", "result", "--json=x", "job_x"),
        bad("jobs list --status", "unknown status", "jobs", "list", "--status", "sleeping"),
        bad("jobs list --queue", "--queue", "jobs", "list", "--queue", "../"),
        bad("jobs list --limit", "--limit", "jobs", "list", "--limit", "0"),
        bad("jobs list --json", "--json", "jobs", "list", "--json=x"),
        bad("jobs cancel JOBID", "JOBID", "jobs", "cancel", ""),
        bad("jobs retry JOBID", "JOBID", "jobs", "retry", ""),
        bad("jobs delete JOBID", "JOBID", "jobs", "delete", " "),
        bad("jobs delete --wait", "--wait", "jobs", "delete", "job_x", "--wait", "1h"),
        bad("jobs delete --json", "--json", "jobs", "delete", "job_x", "--json=x"),
        bad("files list --limit", "--limit", "files", "list", "--limit", "0"),
        bad("files list --json", "--json", "files", "list", "--json=x"),
        bad("files delete FILEID", "FILEID", "files", "delete", ""),
        bad("files delete --wait", "--wait", "files", "delete", "file_x", "--wait", "soon"),
        bad("files delete --json", "--json", "files", "delete", "file_x", "--json=x"),
        bad("queue stats --json", "--json", "queue", "stats", "--json=x"),
        bad("cleanup --older-than", "--older-than", "cleanup", "--older-than", "soon"),
        bad("cleanup --dry-run", "--dry-run", "cleanup", "--older-than", "1d", "--dry-run=x"),
        bad("worker --concurrency", "--concurrency", "worker", "--drain", "--concurrency", "0"),
        bad("worker --queue", "--queue", "worker", "--drain", "--queue", "../"),
        bad("worker --lease-ttl", "--lease-ttl", "worker", "--drain", "--lease-ttl", "long"),
        bad("worker --heartbeat", "--heartbeat", "worker", "--drain", "--heartbeat", "1h"),
        bad("worker --shutdown-grace", "--shutdown-grace", "worker", "--drain", "--shutdown-grace", "never"),
        bad("worker --prefetch", "--prefetch", "worker", "--drain", "--prefetch", "-1"),
        bad("worker --metrics-port", "--metrics-port", "worker", "--drain", "--metrics-port", "99999"),
        bad("worker --retention", "--retention", "worker", "--drain", "--retention", "forever"),
        bad("worker --log-format", "log format", "worker", "--drain", "--log-format", "xml"),
        bad("worker --embed-url", "embed url", "worker", "--drain", "--embed-url", "ftp://embeddings.local"),
        bad("worker --webhook", "webhook", "worker", "--drain", "--webhook", "ftp://hooks.local"),
        bad("worker --drain", "--drain", "worker", "--drain=x"),
        bad("worker --no-listen", "--no-listen", "worker", "--drain", "--no-listen=x"),
        bad("serve --listen", "--listen", "serve", "--listen", "nowhere"),
        bad("serve --max-upload-size", "--max-upload-size", "serve", "--listen", "127.0.0.1:0", "--max-upload-size", "huge"),
        bad("serve --allowed-types", "--allowed-types", "serve", "--listen", "127.0.0.1:0", "--allowed-types", "pdf"),
        bad("serve --rate-limit", "--rate-limit", "serve", "--listen", "127.0.0.1:0", "--rate-limit", "-1"),
        bad("serve --cors-origin", "--cors-origin", "serve", "--listen", "127.0.0.1:0", "--cors-origin", "not an origin"),
        bad("serve --tls-cert", "--tls-key", "serve", "--listen", "127.0.0.1:0", "--tls-cert", f),
        bad("serve --tls-key", "cannot read", "serve", "--listen", "127.0.0.1:0", "--tls-cert", f, "--tls-key", dir.resolve("nope.pem").toString()),
        bad("serve --no-auth", "--no-auth", "serve", "--listen", "0.0.0.0:0", "--no-auth"),
        bad("serve --idle-timeout", "--idle-timeout", "serve", "--listen", "127.0.0.1:0", "--idle-timeout", "0s"),
        bad("serve --shutdown-grace", "--shutdown-grace", "serve", "--listen", "127.0.0.1:0", "--shutdown-grace", "later"),
        bad("serve --log-format", "log format", "serve", "--listen", "127.0.0.1:0", "--log-format", "xml"),
        bad("keys create --tenant", "tenant", "keys", "create", "--tenant", "Not A Tenant"),
        bad("keys create --scope", "scope", "keys", "create", "--tenant", "acme", "--scope", "root"),
        bad("keys create --name", "--name", "keys", "create", "--tenant", "acme", "--name", "a\u0007bell"),
        bad("keys create --json", "--json", "keys", "create", "--tenant", "acme", "--json=x"),
        bad("keys list --json", "--json", "keys", "list", "--json=x"),
        bad("keys revoke ID", "ID", "keys", "revoke", ""),
        bad("config --json", "--json", "config", "--json=x"),
        bad("doctor --json", "--json", "doctor", "--json=x"),
        bad("completion SHELL", "SHELL", "completion", "tcsh"),
        bad("--db", "unsupported database", "--db", "mysql://x", "jobs", "list"),
        bad("--store", "store", "--store", "ftp://bucket", "upload", f),
        bad("--config", "config file", "--config", dir.resolve("nope.properties").toString(), "jobs", "list"),
        bad("--server", "--server", "--server", "files.example", "jobs", "list"),
        bad("--verbose", "--verbose", "--verbose=x", "jobs", "list"));
  }

  /** What the database and the store hold, to show a refused command changed nothing. */
  private String state() throws IOException {
    Cli.Result jobs = cli.run("jobs", "list", "--json");
    assertEquals(0, jobs.code(), jobs.err());
    List<String> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir.resolve("home"))) {
      walk.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith("ingest.db"))
          .forEach(p -> files.add(dir.resolve("home").relativize(p) + " " + p.toFile().length()));
    }
    files.sort(null);
    return jobs.out() + String.join("\n", files) + "\n" + cli.run("keys", "list", "--json").out();
  }

  @Test
  void everyBadOptionExits2NamingItBeforeAnyWork() throws Exception {
    String before = state();
    for (Bad b : table()) {
      Cli.Result r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> cli.run(b.args().toArray(String[]::new)), b.option() + " ran on");
      String what = b.option() + " " + b.args() + " -> " + r.code() + " out: " + r.out() + " err: " + r.err();
      assertEquals(ExitCodes.USAGE, r.code(), what);
      assertTrue(r.err().toLowerCase().contains(b.says().toLowerCase()), what);
      assertEquals(1, r.err().lines().filter(l -> !l.isBlank()).count(), "one line: " + what);
      assertTrue(r.err().startsWith("ingest: "), what);
      assertFalse(r.err().contains("\tat "), what);
      assertEquals("", r.out(), what);
      assertEquals(before, state(), "state changed by " + what);
    }
  }

  @Test
  void theTableCoversEveryOptionOfEveryCommand() {
    Set<String> covered = new TreeSet<>(ANY_VALUE.keySet());
    table().forEach(b -> covered.add(b.option()));
    Set<String> all = new TreeSet<>();
    CommandLine root = CommandLineFactory.create(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), Map.of());
    collect(root, "", all);
    all.removeAll(covered);
    assertEquals(Set.of(), all, "options without a bad-value case in FlagsFirstTest");
  }

  private static void collect(CommandLine command, String path, Set<String> into) {
    for (OptionSpec o : command.getCommandSpec().options()) {
      if (o.usageHelp() || o.versionHelp() || o.inherited()) {
        continue;
      }
      into.add((path + " " + o.longestName()).trim());
    }
    for (PositionalParamSpec p : command.getCommandSpec().positionalParameters()) {
      into.add((path + " " + p.paramLabel()).trim());
    }
    command.getSubcommands().forEach((name, sub) -> {
      if (!name.equals("help")) {
        collect(sub, (path + " " + name).trim(), into);
      }
    });
  }
}
