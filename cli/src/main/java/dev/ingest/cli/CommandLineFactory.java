package dev.ingest.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/** Builds the command line with the given output streams and environment, so tests can capture both. */
public final class CommandLineFactory {
  private CommandLineFactory() {}

  /** Every subcommand, in the order help lists them. */
  static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

  /** Root options that take a value, so the subcommand's name is not mistaken for one. */
  private static final java.util.Set<String> VALUED_ROOT_OPTIONS = java.util.Set.of("--db", "--store", "--config", "--server");

  public static CommandLine create(PrintWriter out, PrintWriter err, Map<String, String> env) {
    return create(out, err, env, null);
  }

  /**
   * The command line for these arguments. When they name a subcommand only that one is built: picocli reads
   * every command's annotations up front, and skipping the others saves a command a tenth of a second of
   * start-up. Help, completion and anything unrecognised get the whole tree.
   */
  public static CommandLine create(PrintWriter out, PrintWriter err, Map<String, String> env, String[] args) {
    CommandLine cmd = new CommandLine(new IngestCommand(env));
    String named = args == null ? null : subcommandName(args);
    boolean versionOnly = args != null && args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
    for (Map.Entry<String, Class<?>> sub : SUBCOMMANDS.entrySet()) {
      if (!versionOnly && (named == null || named.equals(sub.getKey()))) {
        cmd.addSubcommand(sub.getKey(), sub.getValue());
      }
    }
    cmd.setOut(out);
    cmd.setErr(err);
    ErrorHandler errors = new ErrorHandler();
    cmd.setExecutionExceptionHandler(errors);
    cmd.setParameterExceptionHandler(errors);
    cmd.setExitCodeExceptionMapper(ExitCodes::of);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
    cmd.getCommandSpec().exitCodeOnExecutionException(ExitCodes.INTERNAL);
    return cmd;
  }

  static String subcommandName(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (VALUED_ROOT_OPTIONS.contains(a)) {
        i++;
      } else if (!a.startsWith("-")) {
        return SUBCOMMANDS.containsKey(a) && !a.equals("help") && !a.equals("completion") ? a : null;
      }
    }
    return null;
  }

  private static Map<String, Class<?>> subcommands() {
    Map<String, Class<?>> m = new java.util.LinkedHashMap<>();
    m.put("upload", dev.ingest.cli.command.UploadCommand.class);
    m.put("status", dev.ingest.cli.command.StatusCommand.class);
    m.put("result", dev.ingest.cli.command.ResultCommand.class);
    m.put("worker", dev.ingest.cli.command.WorkerCommand.class);
    m.put("jobs", dev.ingest.cli.command.JobsCommand.class);
    m.put("files", dev.ingest.cli.command.FilesCommand.class);
    m.put("queue", dev.ingest.cli.command.QueueCommand.class);
    m.put("cleanup", dev.ingest.cli.command.CleanupCommand.class);
    m.put("serve", dev.ingest.cli.command.ServeCommand.class);
    m.put("keys", dev.ingest.cli.command.KeysCommand.class);
    m.put("config", dev.ingest.cli.command.ConfigCommand.class);
    m.put("doctor", dev.ingest.cli.command.DoctorCommand.class);
    m.put("completion", dev.ingest.cli.command.CompletionCommand.class);
    m.put("help", CommandLine.HelpCommand.class);
    return java.util.Collections.unmodifiableMap(m);
  }
}
