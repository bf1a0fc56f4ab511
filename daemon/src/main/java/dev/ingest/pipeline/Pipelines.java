package dev.ingest.pipeline;

import dev.ingest.config.Durations;
import dev.ingest.core.PermanentFailure;
import java.time.Duration;
import dev.ingest.pipeline.steps.BuiltInSteps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Resolves pipeline names to steps. Built in: {@code auto} (detect, extract, chunk, store) and {@code noop}
 * (no steps). Others come from configuration, {@code pipeline.<name>.steps=extract,chunk,store}, with step
 * options as {@code pipeline.<name>.<step>.<option>=value} (which also tune the built-in ones), falling back to
 * worker-wide {@code <step>.<option>} settings such as {@code embed.url}. {@code auto} embeds its chunks when
 * {@code embed.url} is set. A job of a pipeline may take {@code pipeline.<name>.timeout} (default 30m). Steps are
 * the built-in ones plus any {@link StepFactory} found through {@link ServiceLoader}.
 */
public final class Pipelines {
  public static final Map<String, String> BUILT_IN =
      Map.of("auto", "detect,extract,chunk,store", "noop", "", "webhook", "webhook");
  /** {@code auto} when an embedding endpoint is configured. */
  static final String AUTO_WITH_EMBED = "detect,extract,chunk,embed,store";

  private final Map<String, StepFactory> factories = new TreeMap<>();
  private final Map<String, String> settings;

  /** {@code settings} holds the {@code pipeline.*} keys of the configuration. */
  public Pipelines(Map<String, String> settings) {
    this(settings, Pipelines.class.getClassLoader());
  }

  /** As above, with custom steps looked up through {@code plugins} (see {@link Plugins}). */
  public Pipelines(Map<String, String> settings, ClassLoader plugins) {
    this.settings = Map.copyOf(settings);
    for (StepFactory f : BuiltInSteps.all()) {
      factories.put(f.name(), f);
    }
    for (StepFactory f : ServiceLoader.load(StepFactory.class, plugins)) {
      factories.put(f.name(), f);
    }
  }

  public java.util.Set<String> stepNames() {
    return factories.keySet();
  }

  /** Every pipeline name this worker can run. */
  public java.util.Set<String> names() {
    java.util.Set<String> names = new java.util.TreeSet<>(BUILT_IN.keySet());
    settings.keySet().stream()
        .filter(k -> k.endsWith(".steps"))
        .map(k -> k.substring("pipeline.".length(), k.length() - ".steps".length()))
        .forEach(names::add);
    return names;
  }

  /**
   * Resolves every pipeline once, so a worker with a misconfigured one (unknown step, bad option, an embed
   * URL that is not http) refuses to start instead of failing each job that names it.
   */
  public void validate() {
    for (String name : names()) {
      try {
        resolve(name);
        allowedOptions(name);
      } catch (PermanentFailure e) {
        throw new dev.ingest.core.InvalidInputException(e.getMessage(), e);
      }
    }
  }

  /** Step options an upload may set when {@code pipeline.<name>.allow-options} does not say otherwise. */
  public static final java.util.Set<String> DEFAULT_ALLOWED_OPTIONS = java.util.Set.of("chunk.size", "chunk.overlap", "chunk.unit");

  /**
   * The step options uploads may set for this pipeline: {@code pipeline.<name>.allow-options} (comma-separated,
   * empty for none), or chunk size, overlap and unit. Never an {@code exec} option: what runs is the operator's.
   */
  public java.util.Set<String> allowedOptions(String pipeline) {
    String key = "pipeline." + pipeline + ".allow-options";
    String raw = settings.get(key);
    if (raw == null) {
      return DEFAULT_ALLOWED_OPTIONS;
    }
    java.util.Set<String> allowed = new java.util.TreeSet<>();
    for (String k : raw.split(",")) {
      String option = k.trim();
      if (option.isEmpty()) {
        continue;
      }
      if (option.startsWith("exec.")) {
        throw new PermanentFailure("bad_config", key + " may not allow " + option + ": exec runs only what the worker's configuration says");
      }
      allowed.add(option);
    }
    return allowed;
  }

  /**
   * Checks an upload's step options where this process knows the pipeline (the CLI on the database, the
   * server): an option the pipeline does not allow, or a value its step refuses, is the uploader's error. A
   * pipeline not configured here is left to the workers.
   */
  public void checkUpload(String pipeline, Map<String, String> jobOptions) {
    if (jobOptions.isEmpty() || !names().contains(pipeline)) {
      return;
    }
    try {
      resolve(pipeline, jobOptions);
    } catch (PermanentFailure e) {
      throw new dev.ingest.core.InvalidInputException(e.getMessage(), e);
    }
  }

  public Pipeline resolve(String name) {
    return resolve(name, Map.of());
  }

  /**
   * The pipeline with a job's own step options over the configured ones. An option the pipeline does not
   * allow, or a value the step refuses, fails the job for good: retrying would not change it.
   */
  public Pipeline resolve(String name, Map<String, String> jobOptions) {
    if (!jobOptions.isEmpty()) {
      java.util.Set<String> allowed = allowedOptions(name);
      for (String option : jobOptions.keySet()) {
        if (!allowed.contains(option)) {
          throw new PermanentFailure(
              "option_not_allowed",
              "option " + option + " is not allowed for pipeline '" + name + "' (allowed: "
                  + (allowed.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(allowed)))
                  + "; see pipeline." + name + ".allow-options)");
        }
      }
    }
    String builtIn = "auto".equals(name) && settings.containsKey("embed.url") ? AUTO_WITH_EMBED : BUILT_IN.get(name);
    String steps = settings.getOrDefault("pipeline." + name + ".steps", builtIn);
    if (steps == null) {
      throw new PermanentFailure(
          "unknown_pipeline", "unknown pipeline '" + name + "' (this worker knows " + String.join(", ", names()) + ")");
    }
    List<Step> out = new ArrayList<>();
    for (String raw : steps.split(",")) {
      String step = raw.trim();
      if (step.isEmpty()) {
        continue;
      }
      StepFactory factory = factories.get(step);
      if (factory == null) {
        throw new PermanentFailure("unknown_step", "pipeline '" + name + "' names unknown step '" + step + "'");
      }
      Map<String, String> own = ownOptions(step, jobOptions);
      Map<String, String> options = options(name, step);
      options.putAll(own);
      try {
        out.add(factory.create(options));
      } catch (RuntimeException e) {
        if (!own.isEmpty()) {
          throw new PermanentFailure(
              "bad_option", "pipeline '" + name + "' step '" + step + "' refuses the job's options " + own + ": " + e.getMessage(), e);
        }
        throw new PermanentFailure(
            "bad_config", "pipeline '" + name + "' step '" + step + "' is misconfigured: " + e.getMessage(), e);
      }
    }
    return new Pipeline(name, out, timeLimit(name));
  }

  /**
   * A pipeline's time limit ({@code pipeline.<name>.timeout}, default 30m) without building its steps: the
   * worker asks for it as each job starts.
   */
  public Duration timeLimit(String pipeline) {
    String key = "pipeline." + pipeline + ".timeout";
    String raw = settings.get(key);
    if (raw == null) {
      return Pipeline.DEFAULT_TIMEOUT;
    }
    Duration d;
    try {
      d = Durations.parse(raw);
    } catch (RuntimeException e) {
      throw new PermanentFailure("bad_config", key + ": " + e.getMessage(), e);
    }
    if (d.isZero()) {
      throw new PermanentFailure("bad_config", key + " must be above 0");
    }
    return d;
  }

  private static Map<String, String> ownOptions(String step, Map<String, String> jobOptions) {
    Map<String, String> own = new LinkedHashMap<>();
    jobOptions.forEach((k, v) -> {
      if (k.startsWith(step + ".")) {
        own.put(k.substring(step.length() + 1), v);
      }
    });
    return own;
  }

  /** Worker-wide {@code <step>.<option>} settings, overridden by {@code pipeline.<name>.<step>.<option>}. */
  private Map<String, String> options(String pipeline, String step) {
    Map<String, String> options = new LinkedHashMap<>();
    for (String prefix : List.of(step + ".", "pipeline." + pipeline + "." + step + ".")) {
      settings.forEach((k, v) -> {
        if (k.startsWith(prefix)) {
          options.put(k.substring(prefix.length()), v);
        }
      });
    }
    return options;
  }
}
