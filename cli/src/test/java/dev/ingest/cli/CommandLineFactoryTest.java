package dev.ingest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Only the named subcommand is built, unless the whole tree is needed. */
class CommandLineFactoryTest {
  private static CommandLine build(String... args) {
    return CommandLineFactory.create(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), Map.of(), args);
  }

  @Test
  void theSubcommandIsFoundPastRootOptionsAndTheirValues() {
    assertEquals("status", CommandLineFactory.subcommandName(new String[] {"status", "job_1"}));
    assertEquals("status", CommandLineFactory.subcommandName(new String[] {"--db", "sqlite:x", "--verbose", "status", "job_1"}));
    assertEquals("jobs", CommandLineFactory.subcommandName(new String[] {"--store=file:/x", "jobs", "list"}));
    assertNull(CommandLineFactory.subcommandName(new String[] {"--version"}));
    assertNull(CommandLineFactory.subcommandName(new String[] {"help", "status"}));
    assertNull(CommandLineFactory.subcommandName(new String[] {"completion", "bash"}));
    assertNull(CommandLineFactory.subcommandName(new String[] {"stauts"}));
  }

  @Test
  void aNamedCommandGetsOnlyItselfAndEverythingElseTheWholeTree() {
    assertEquals(Set.of("status"), build("--db", "sqlite:x", "status", "job_1").getSubcommands().keySet());
    assertEquals(CommandLineFactory.SUBCOMMANDS.keySet(), build("--help").getSubcommands().keySet());
    assertEquals(CommandLineFactory.SUBCOMMANDS.keySet(), build("stauts").getSubcommands().keySet());
    assertTrue(build().getSubcommands().containsKey("completion"));
    assertTrue(build("--version").getSubcommands().isEmpty());
  }

  @Test
  void aMistypedCommandStillGetsPicocliSuggestions() {
    StringWriter err = new StringWriter();
    int code = CommandLineFactory.create(new PrintWriter(new StringWriter()), new PrintWriter(err), Map.of(), new String[] {"stauts"})
        .execute("stauts");
    assertEquals(ExitCodes.USAGE, code);
    assertTrue(err.toString().contains("status"), err.toString());
  }

  /** A command that meets a bug: what every command's unexpected error becomes. */
  @CommandLine.Command(name = "boom")
  static final class Boom implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalStateException("a bug\nwith a second line");
    }
  }

  @Test
  void anUnexpectedErrorExits5WithOneLineAndAHintAndTheTraceOnlyWithVerbose() {
    StringWriter err = new StringWriter();
    CommandLine cmd = CommandLineFactory.create(new PrintWriter(new StringWriter()), new PrintWriter(err), Map.of(), new String[] {"boom"});
    cmd.addSubcommand("boom", new Boom());
    cmd.setErr(new PrintWriter(err, true)); // why: reaches subcommands added after the factory ran
    assertEquals(ExitCodes.INTERNAL, cmd.execute("boom"));
    assertEquals(
        List.of("ingest: internal error: IllegalStateException: a bug", "ingest: run again with --verbose for details"),
        err.toString().lines().toList());

    StringWriter verbose = new StringWriter();
    CommandLine again = CommandLineFactory.create(new PrintWriter(new StringWriter()), new PrintWriter(verbose), Map.of(), new String[] {"boom"});
    again.addSubcommand("boom", new Boom());
    again.setErr(new PrintWriter(verbose, true));
    assertEquals(ExitCodes.INTERNAL, again.execute("--verbose", "boom"));
    assertTrue(verbose.toString().contains("\tat dev.ingest.cli.CommandLineFactoryTest$Boom.call"), verbose.toString());
  }
}
