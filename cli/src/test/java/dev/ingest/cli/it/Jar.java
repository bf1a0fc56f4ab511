package dev.ingest.cli.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the built ingest jar as separate processes, each with its own stdout and stderr files. */
final class Jar {
  record Run(int code, String out, String err) {}

  private final Path jar;
  private final Path logs;
  private final Map<String, String> env = new HashMap<>();
  private int counter;

  Jar(Path home) throws IOException {
    String property = System.getProperty("ingest.jar");
    this.jar = Path.of(property == null ? "target/ingest.jar" : property);
    if (!Files.exists(jar)) {
      throw new IllegalStateException("build the jar first: " + jar);
    }
    this.logs = Files.createDirectories(home.resolve("logs"));
    env.put("INGEST_HOME", home.toString());
    env.put("XDG_CONFIG_HOME", home.resolve("config").toString());
  }

  Jar env(String key, String value) {
    env.put(key, value);
    return this;
  }

  /** Starts {@code ingest args…} and returns at once. */
  Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    int n = ++counter;
    pb.redirectOutput(logs.resolve(n + ".out").toFile());
    pb.redirectError(logs.resolve(n + ".err").toFile());
    Process p = pb.start();
    processes.put(p, n);
    return p;
  }

  private final Map<Process, Integer> processes = new HashMap<>();

  String out(Process p) throws IOException {
    return Files.readString(logs.resolve(processes.get(p) + ".out"), StandardCharsets.UTF_8);
  }

  String err(Process p) throws IOException {
    return Files.readString(logs.resolve(processes.get(p) + ".err"), StandardCharsets.UTF_8);
  }

  /** Runs {@code ingest args…} to the end. */
  Run run(String... args) throws Exception {
    Process p = start(args);
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("ingest " + String.join(" ", args) + " did not finish");
    }
    return new Run(p.exitValue(), out(p), err(p));
  }

  static int await(Process p, Duration timeout) throws InterruptedException {
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("process did not finish within " + timeout);
    }
    return p.exitValue();
  }

  /** A running {@code ingest serve} and the URL it said it serves. */
  record Served(Process process, String url) {}

  /** Starts {@code ingest serve --listen 127.0.0.1:0 args…} and waits until it says where it listens. */
  Served serve(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("serve", "--listen", "127.0.0.1:0"));
    all.addAll(List.of(args));
    Process p = start(all.toArray(new String[0]));
    return new Served(p, awaitSaid(p, "serving (https?://\\S+)"));
  }

  /** Waits up to a minute until the process's stderr has a match of {@code regex}; returns its first group. */
  String awaitSaid(Process p, String regex) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(regex);
    while (System.nanoTime() < deadline) {
      var m = pattern.matcher(err(p));
      if (m.find()) {
        return m.group(1);
      }
      if (!p.isAlive()) {
        throw new AssertionError("ingest exited " + p.exitValue() + " before saying /" + regex + "/: " + err(p));
      }
      Thread.sleep(50);
    }
    throw new AssertionError("ingest did not say /" + regex + "/ within a minute: " + err(p));
  }

  void killAll() {
    processes.keySet().forEach(Process::destroyForcibly);
  }
}
