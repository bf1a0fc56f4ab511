package dev.ingest.pipeline.steps;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ingest.config.Durations;
import dev.ingest.config.Secrets;
import dev.ingest.core.PermanentFailure;
import dev.ingest.core.RetryableFailure;
import dev.ingest.pipeline.Step;
import dev.ingest.pipeline.StepContext;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an operator-configured program on the job's file; what it writes to stdout becomes the document's
 * text. The command is an argument list (JSON array, or words split on spaces), never a shell line, and it
 * comes only from the worker's configuration. {@code {file}} in an argument is replaced by the file's local
 * path; without it the file is fed on stdin. A non-zero exit fails the job with the tail of stderr; running
 * past {@code timeout} kills the process and the attempt is retried. Environment variables that name secrets
 * are not passed on.
 */
public final class ExecStep implements Step {
  static final int STDERR_TAIL = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> command;
  private final Duration timeout;

  public ExecStep(List<String> command, Duration timeout) {
    if (command.isEmpty() || command.get(0).isBlank()) {
      throw new IllegalArgumentException("exec needs a command");
    }
    this.command = List.copyOf(command);
    this.timeout = timeout;
  }

  static ExecStep from(Map<String, String> options) {
    String raw = options.get("command");
    if (raw == null || raw.isBlank()) {
      throw new IllegalArgumentException("exec needs pipeline.<name>.exec.command");
    }
    return new ExecStep(parseCommand(raw), Durations.parse(options.getOrDefault("timeout", "5m")));
  }

  static List<String> parseCommand(String raw) {
    String s = raw.strip();
    if (s.startsWith("[")) {
      try {
        return JSON.readValue(s, new TypeReference<List<String>>() {});
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException("exec command is not a JSON array of strings: " + e.getOriginalMessage());
      }
    }
    return Arrays.stream(s.split("\\s+")).toList();
  }

  @Override
  public String name() {
    return "exec";
  }

  @Override
  public void run(StepContext ctx) throws Exception {
    Path file = ctx.localFile();
    List<String> args = new ArrayList<>();
    boolean fileInArgs = false;
    for (String a : command) {
      fileInArgs |= a.contains("{file}");
      args.add(a.replace("{file}", file.toString()));
    }
    Path out = ctx.workDir().resolve("exec.stdout");
    Path err = ctx.workDir().resolve("exec.stderr");
    ProcessBuilder pb =
        new ProcessBuilder(args)
            .directory(ctx.workDir().toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(fileInArgs ? ProcessBuilder.Redirect.from(nullDevice()) : ProcessBuilder.Redirect.from(file.toFile()));
    pb.environment().keySet().removeIf(Secrets::isSecretKey);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new PermanentFailure("exec_failed", "exec: cannot start '" + command.get(0) + "': " + e.getMessage(), e);
    }
    ctx.progress(0, "running " + command.get(0));
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
        ctx.checkStopped();
        if (System.nanoTime() > deadline) {
          throw new RetryableFailure(
              "timeout", "exec: '" + command.get(0) + "' ran longer than " + Durations.format(timeout) + " and was killed");
        }
      }
    } finally {
      if (process.isAlive()) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    }
    int exit = process.exitValue();
    if (exit != 0) {
      String tail = tail(err).strip();
      throw new PermanentFailure(
          "exec_failed", "exec: '" + command.get(0) + "' exited " + exit + (tail.isEmpty() ? "" : ": " + tail));
    }
    String text = new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
    ctx.document().text(text.strip());
    ctx.document().result().put("characters", ctx.document().text().length());
    ctx.progress(100, null);
  }

  private static java.io.File nullDevice() {
    return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  static String tail(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      long from = Math.max(0, len - STDERR_TAIL);
      byte[] bytes = new byte[(int) (len - from)];
      f.seek(from);
      f.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8).replaceAll("\\s+", " ");
    }
  }
}
