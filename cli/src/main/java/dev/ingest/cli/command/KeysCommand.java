package dev.ingest.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.auth.ApiKey;
import dev.ingest.auth.IssuedKey;
import dev.ingest.auth.Scope;
import dev.ingest.cli.ExitCodes;
import dev.ingest.cli.IngestCommand;
import dev.ingest.config.IngestRuntime;
import dev.ingest.json.Json;
import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "keys",
    description = "API keys of the HTTP server: each acts for one tenant with some scopes; stored hashed.",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
public final class KeysCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: create, list or revoke");
  }

  static ObjectNode json(ApiKey key) {
    ObjectNode o = Json.object();
    o.put("id", key.id());
    o.put("tenant", key.tenant());
    var scopes = o.putArray("scopes");
    key.scopes().stream().sorted().forEach(s -> scopes.add(s.wireName()));
    o.put("name", key.name());
    o.put("createdAt", key.createdAt().toString());
    o.put("revokedAt", key.revokedAt() == null ? null : key.revokedAt().toString());
    return o;
  }

  @Command(
      mixinStandardHelpOptions = true,
      name = "create",
      description = "Make a key and print its token on stdout, once: it is stored only as a hash.",
      footer = {"", "Examples:", "  export INGEST_TOKEN=$(ingest keys create --tenant acme)", "  ingest keys create --tenant acme --scope admin --name ops --json"})
  public static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--tenant", required = true, paramLabel = "NAME", description = "The tenant the key acts for (lower-case letters, digits, . _ -).")
    String tenant;

    @Option(names = "--scope", paramLabel = "SCOPES", defaultValue = "upload,read", description = "upload, read, admin, comma-separated (default: ${DEFAULT-VALUE}; admin may do everything).")
    String scope;

    @Option(names = "--name", paramLabel = "TEXT", description = "A note on what the key is for.")
    String name;

    @Option(names = "--json", description = "One JSON object: id, key, tenant, scopes.")
    boolean json;

    @Override
    public Integer call() {
      Set<Scope> scopes = Scope.parse(scope);
      dev.ingest.auth.Tenants.requireValid(tenant);
      if (name != null) {
        dev.ingest.core.JobFields.text("--name", name);
      }
      IssuedKey issued;
      try (IngestRuntime runtime = IngestCommand.of(spec).openRuntime()) {
        issued = runtime.keys().create(tenant, scopes, name);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode o = KeysCommand.json(issued.key());
        o.put("key", issued.token());
        out.println(Json.line(o));
      } else {
        out.println(issued.token());
        spec.commandLine().getErr().println(
            "ingest: created " + issued.key().id() + " for tenant " + tenant + " (" + Scope.format(scopes)
                + "); the token above is shown only now");
      }
      out.flush();
      spec.commandLine().getErr().flush();
      return ExitCodes.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "list", description = "Every key, revoked ones included (never a token).")
  public static final class ListKeys implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "One JSON object per key.")
    boolean json;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (IngestRuntime runtime = IngestCommand.of(spec).openRuntime()) {
        for (ApiKey key : runtime.keys().list()) {
          if (json) {
            out.println(Json.line(KeysCommand.json(key)));
          } else {
            out.printf("%s  %-16s %-20s %s%s%n", key.id(), key.tenant(), Scope.format(key.scopes()),
                key.revoked() ? "revoked " + key.revokedAt() : "created " + key.createdAt(),
                key.name() == null ? "" : "  " + key.name());
          }
        }
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "revoke", description = "Revoke a key: servers refuse it within 5 seconds.")
  public static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The key's id (key_…), as 'keys list' shows it.")
    String id;

    @Override
    public Integer call() {
      dev.ingest.core.JobFields.id("ID", id);
      ApiKey key;
      try (IngestRuntime runtime = IngestCommand.of(spec).openRuntime()) {
        key = runtime.keys().revoke(id);
      }
      spec.commandLine().getOut().println(key.id() + "  revoked");
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }
}
