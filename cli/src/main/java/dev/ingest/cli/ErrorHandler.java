package dev.ingest.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an error escaping a command into one line on stderr and its exit code; a stack trace with --verbose.
 * A bad flag or argument gets one line too, with where to read more, rather than the whole usage help.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {
  @Override
  public int handleParseException(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    String message = e.getMessage() == null ? "invalid command line" : e.getMessage();
    String hint = "see '" + cmd.getCommandSpec().qualifiedName() + " --help'";
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
      hint = "did you mean " + String.join(" or ", unmatched.getSuggestions().stream().limit(3).toList()) + "? " + hint;
    }
    err.println("ingest: " + message.lines().findFirst().orElse(message) + " (" + hint + ")");
    if (IngestCommand.verbose(cmd)) {
      e.printStackTrace(err);
    }
    err.flush();
    return ExitCodes.USAGE;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    int code = ExitCodes.of(e);
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (code == ExitCodes.INTERNAL) {
      message = "internal error: " + e.getClass().getSimpleName() + ": " + message;
    }
    err.println("ingest: " + message.lines().findFirst().orElse(message));
    if (IngestCommand.verbose(cmd)) {
      e.printStackTrace(err);
    } else if (code == ExitCodes.INTERNAL) {
      err.println("ingest: run again with --verbose for details");
    }
    err.flush();
    return code;
  }
}
