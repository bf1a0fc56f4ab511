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
      } catch (PermanentFailure e) {
        throw new dev.ingest.core.InvalidInputException(e.getMessage(), e);
      }
    }
  }

  public Pipeline resolve(String name) {
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
      try {
        out.add(factory.create(options(name, step)));
      } catch (RuntimeException e) {
        throw new PermanentFailure(
            "bad_config", "pipeline '" + name + "' step '" + step + "' is misconfigured: " + e.getMessage(), e);
      }
    }
    return new Pipeline(name, out, timeout(name));
  }

  private Duration timeout(String pipeline) {
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
