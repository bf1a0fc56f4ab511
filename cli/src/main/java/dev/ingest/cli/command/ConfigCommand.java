package dev.ingest.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.cli.ExitCodes;
import dev.ingest.cli.IngestCommand;
import dev.ingest.json.Json;
import dev.ingest.config.IngestConfig;
import dev.ingest.config.Secrets;
import java.io.PrintWriter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "config",
    description = "Show the settings in effect and where each comes from (flag, env, file, default); secrets masked.",
    footer = {"", "Examples:", "  ingest config", "  INGEST_DB=postgresql://… ingest config --json"})
public final class ConfigCommand implements Callable<Integer> {
  /** The settings worth showing even when unset. */
  static final List<String> KEYS =
      List.of(
          "db", "db.busy-timeout", "store", "s3.endpoint", "s3.region", "s3.path-style", "s3.max-connections", "worker.concurrency",
          "worker.queues", "worker.lease-ttl", "worker.heartbeat", "worker.shutdown-grace", "worker.prefetch",
          "worker.listen", "worker.poll-max", "retry.base", "retry.factor", "retry.cap");
  /** Secrets read from the environment only: shown as set or unset, never their value. */
  static final List<String> SECRET_ENV =
      List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "INGEST_EMBED_API_KEY", "INGEST_WEBHOOK_SECRET");

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "One JSON object.")
  boolean json;

  @Override
  public Integer call() {
    IngestCommand root = IngestCommand.of(spec);
    IngestConfig config = root.config(Map.of());
    PrintWriter out = spec.commandLine().getOut();
    Set<String> keys = new LinkedHashSet<>(KEYS);
    keys.addAll(config.withPrefix("pipeline.").keySet());
    ObjectNode o = Json.object();
    o.put("home", config.home().toString());
    o.put("configFile", config.configFile().map(Object::toString).orElse(null));
    ObjectNode settings = o.putObject("settings");
    if (!json) {
      out.println("home        " + config.home());
      out.println("config file " + config.configFile().map(Object::toString).orElse("(none)"));
    }
    for (String key : keys) {
      String value = Secrets.mask(key, config.get(key).orElse(null));
      String source = config.sourceOf(key);
      if (json) {
        ObjectNode s = settings.putObject(key);
        s.put("value", value);
        s.put("source", source);
      } else {
        out.printf("%-22s %s  (%s)%n", key, value == null ? "-" : value, source);
      }
    }
    ObjectNode secrets = o.putObject("secrets");
    for (String name : SECRET_ENV) {
      boolean set = root.env().get(name) != null && !root.env().get(name).isEmpty();
      if (json) {
        secrets.put(name, set ? "set" : "unset");
      } else {
        out.printf("%-22s %s%n", name, set ? "*** (set)" : "- (unset)");
      }
    }
    if (json) {
      out.println(Json.line(o));
    }
    out.flush();
    return ExitCodes.OK;
  }
}
