package dev.ingest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
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
}
