package dev.ingest.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/** Builds the command line with the given output streams and environment, so tests can capture both. */
public final class CommandLineFactory {
  private CommandLineFactory() {}

  public static CommandLine create(PrintWriter out, PrintWriter err, Map<String, String> env) {
    CommandLine cmd = new CommandLine(new IngestCommand(env));
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setExecutionExceptionHandler(new ErrorHandler());
    cmd.setExitCodeExceptionMapper(ExitCodes::of);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
    cmd.getCommandSpec().exitCodeOnExecutionException(ExitCodes.INTERNAL);
    return cmd;
  }
}
