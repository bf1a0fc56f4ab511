package dev.ingest.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.cli.ExitCodes;
import dev.ingest.cli.IngestCommand;
import dev.ingest.json.Json;
import dev.ingest.config.Doctor;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "doctor",
    description = "Check the configuration: database, store, and the embedding endpoint and webhooks if configured.",
    footer = {"", "One line per check; exit 4 when one fails.", "", "Example:", "  INGEST_DB=postgresql://… ingest doctor"})
public final class DoctorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "One JSON object per check.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<Doctor.Check> checks = new Doctor(IngestCommand.of(spec).config(Map.of())).run();
    for (Doctor.Check c : checks) {
      if (json) {
        ObjectNode o = Json.object();
        o.put("check", c.name());
        o.put("ok", c.ok());
        o.put("detail", c.detail());
        out.println(Json.line(o));
      } else {
        out.printf("%-4s  %-10s  %s%n", c.ok() ? "ok" : "FAIL", c.name(), c.detail());
      }
    }
    out.flush();
    return checks.stream().allMatch(Doctor.Check::ok) ? ExitCodes.OK : ExitCodes.UNAVAILABLE;
  }
}
