package dev.ingest.cli;

import dev.ingest.config.IngestConfig;
import dev.ingest.config.IngestRuntime;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code ingest}: the root command, holding the options every subcommand shares. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    versionProvider = IngestCommand.Version.class,
    description = "Gets files into a system and processed in the background.",
    footer = {
      "",
      "Exit codes: 0 ok, 1 a waited-for job failed or was cancelled, 2 usage or invalid input,",
      "3 not found, 4 database or store unavailable, 5 internal error, 130 interrupted."
    })
public final class IngestCommand implements Runnable {
  private final Map<String, String> env;

  @Spec CommandSpec spec;

  @Option(
      names = "--db",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      description = "Database: sqlite:PATH or postgresql://user:pass@host:5432/db (env INGEST_DB).")
  String db;

  @Option(
      names = "--store",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      description = "Blob store: file:DIR or s3://bucket/prefix (env INGEST_STORE).")
  String store;

  @Option(
      names = "--config",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "Properties file with defaults (env INGEST_CONFIG; default ~/.config/ingest/ingest.properties).")
  Path config;

  @Option(
      names = "--server",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      description = "Speak the HTTP API of 'ingest serve' at this URL instead of the database, with the API key in INGEST_TOKEN (env INGEST_SERVER).")
  String server;

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Show stack traces and debug logs.")
  boolean verbose;

  public IngestCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static IngestCommand of(CommandSpec spec) {
    return (IngestCommand) spec.root().userObject();
  }

  static boolean verbose(CommandLine cmd) {
    Object root = cmd.getCommandSpec().root().userObject();
    return root instanceof IngestCommand && ((IngestCommand) root).verbose;
  }

  public boolean verbose() {
    return verbose;
  }

  public Map<String, String> env() {
    return env;
  }

  /** The configuration: these flags, then the environment, then the config file, then defaults. */
  public IngestConfig config(Map<String, String> extraFlags) {
    Map<String, String> flags = new LinkedHashMap<>(extraFlags);
    flags.put(IngestConfig.DB, db);
    flags.put(IngestConfig.STORE, store);
    return IngestConfig.load(flags, env, config);
  }

  /** Opens the database and store the configuration names. The caller closes it. */
  public IngestRuntime openRuntime(Map<String, String> extraFlags, int poolSize) {
    return IngestRuntime.open(config(extraFlags), poolSize);
  }

  public IngestRuntime openRuntime() {
    return openRuntime(Map.of(), 2);
  }

  /**
   * The client commands work through: the remote API when a server is configured ({@code --server},
   * {@code INGEST_SERVER}, config {@code server}), otherwise the database and store, opened on first use with
   * a pool of {@code poolSize} connections.
   */
  /** Whether client commands speak to a server ({@code --server}, {@code INGEST_SERVER}, config {@code server}). */
  public boolean remote() {
    return config(server == null ? Map.of() : Map.of("server", server)).get("server").isPresent();
  }

  public dev.ingest.cli.client.IngestClient client(int poolSize) {
    IngestConfig config = config(server == null ? Map.of() : Map.of("server", server));
    java.util.Optional<String> url = config.get("server");
    if (url.isPresent()) {
      String token = env.get("INGEST_TOKEN") != null ? env.get("INGEST_TOKEN") : config.get("token").orElse(null);
      return new dev.ingest.cli.client.RemoteClient(url.get(), token, config.home().resolve("remote-uploads"));
    }
    return new dev.ingest.cli.client.LocalClient(() -> IngestRuntime.open(config, poolSize));
  }

  public dev.ingest.cli.client.IngestClient client() {
    return client(2);
  }

  /** The version from the jar's manifest. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = IngestCommand.class.getPackage().getImplementationVersion();
      return new String[] {"ingest " + (v == null ? "development build" : v)};
    }
  }
}
