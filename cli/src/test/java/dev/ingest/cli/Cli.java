package dev.ingest.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the real command line in-process with captured stdout/stderr and a private INGEST_HOME. */
final class Cli {
  record Result(int code, String out, String err) {
    String firstLine() {
      return out.lines().findFirst().orElse("");
    }
  }

  private final Map<String, String> env = new HashMap<>();

  Cli(Path home) {
    env.put("INGEST_HOME", home.toString());
    env.put("XDG_CONFIG_HOME", home.resolve("config").toString());
  }

  Cli env(String key, String value) {
    env.put(key, value);
    return this;
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = CommandLineFactory.create(new PrintWriter(out, true), new PrintWriter(err, true), env).execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
