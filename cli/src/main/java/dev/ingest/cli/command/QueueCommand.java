package dev.ingest.cli.command;

import dev.ingest.cli.ExitCodes;
import dev.ingest.cli.IngestCommand;
import dev.ingest.json.Json;
import dev.ingest.config.Durations;
import dev.ingest.cli.client.IngestClient;
import dev.ingest.json.QueueStatsJson;
import dev.ingest.queue.QueueStats;
import dev.ingest.queue.WorkerInfo;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(mixinStandardHelpOptions = true, name = "queue", description = "Look at the queue as a whole.", subcommands = QueueCommand.Stats.class)
public final class QueueCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: stats");
  }

  @Command(
      mixinStandardHelpOptions = true,
      name = "stats",
      description = "Counts by state and queue, the oldest due job's age, recent throughput, and live workers.",
      footer = {"", "Example:", "  ingest queue stats --json"})
  public static final class Stats implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "One JSON object.")
    boolean json;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      QueueStats stats;
      try (IngestClient client = IngestCommand.of(spec).client()) {
        stats = client.stats();
      }
      if (json) {
        out.println(Json.line(QueueStatsJson.toJson(stats)));
      } else {
        if (stats.countsByQueue().isEmpty()) {
          out.println("no jobs");
        }
        for (Map.Entry<String, Map<String, Long>> e : stats.countsByQueue().entrySet()) {
          StringBuilder line = new StringBuilder(e.getKey() + ":");
          e.getValue().forEach((status, n) -> line.append("  ").append(status).append(' ').append(n));
          Duration age = stats.oldestDueAge().get(e.getKey());
          if (age != null) {
            line.append("  oldest due ").append(Durations.format(Duration.ofSeconds(age.toSeconds()))).append(" ago");
          }
          var t = stats.throughput().get(e.getKey());
          if (t != null) {
            line.append(String.format("  finished %d/%d/%d in the last 1/5/15 min", t.lastMinute(), t.last5Minutes(), t.last15Minutes()));
          }
          out.println(line);
        }
        out.println(stats.liveWorkers().size() + " live worker(s)");
        for (WorkerInfo w : stats.liveWorkers()) {
          out.println("  " + w.id() + "  " + w.host() + " pid " + w.pid() + "  concurrency " + w.concurrency()
              + "  queues " + (w.queues().isEmpty() ? "all" : w.queues()));
        }
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
