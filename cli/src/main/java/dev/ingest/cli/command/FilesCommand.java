package dev.ingest.cli.command;

import dev.ingest.cli.ExitCodes;
import dev.ingest.cli.IngestCommand;
import dev.ingest.cli.client.IngestClient;
import dev.ingest.config.Sizes;
import dev.ingest.core.InvalidInputException;
import dev.ingest.files.StoredFile;
import dev.ingest.json.DeletionJson;
import dev.ingest.json.Json;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "files",
    description = "List and delete stored files.",
    subcommands = {FilesCommand.ListFiles.class, FilesCommand.Delete.class})
public final class FilesCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list or delete");
  }

  @Command(
      mixinStandardHelpOptions = true,
      name = "list",
      description = "Stored files, newest first, with how many jobs use each.",
      footer = {"", "Examples:", "  ingest files list", "  ingest files list --limit 500 --json"})
  public static final class ListFiles implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--limit", defaultValue = "50", description = "At most this many (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "One JSON object per file.")
    boolean json;

    @Override
    public Integer call() {
      if (limit < 1) {
        throw new InvalidInputException("--limit must be at least 1, got " + limit);
      }
      PrintWriter out = spec.commandLine().getOut();
      try (IngestClient client = IngestCommand.of(spec).client()) {
        for (StoredFile f : client.files(limit)) {
          out.println(json ? Json.line(DeletionJson.file(f)) : line(f));
        }
      }
      out.flush();
      return ExitCodes.OK;
    }

    private static String line(StoredFile f) {
      return f.file().id() + "  " + Sizes.human(f.file().size()) + "  " + f.file().name() + "  "
          + (f.file().mimeType() == null ? "?" : f.file().mimeType()) + "  " + f.jobs() + " job(s)  " + f.createdAt();
    }
  }

  @Command(
      mixinStandardHelpOptions = true,
      name = "delete",
      description = "Delete stored files for good, with every job of them and their results. Running jobs are cancelled first.",
      footer = {"", "Examples:", "  ingest files delete file_01j…", "  ingest files delete file_a file_b --json"})
  public static final class Delete extends DeleteCommand {
    @Parameters(arity = "1..*", paramLabel = "FILEID")
    List<String> fileIds;

    @Override
    List<String> ids() {
      return fileIds;
    }

    @Override
    String label() {
      return "FILEID";
    }

    @Override
    dev.ingest.deletion.DeleteService.Report delete(IngestClient client, List<String> ids, java.time.Duration wait)
        throws InterruptedException {
      return client.deleteFiles(ids, wait);
    }
  }
}
