package dev.ingest.config;

import dev.ingest.core.InvalidInputException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Settings resolved from, in order of precedence: command-line flags, environment variables
 * ({@code INGEST_} + the key upper-cased, dots and dashes as underscores), the properties file, built-in
 * defaults. Keys are those of the properties file: {@code db}, {@code store}, {@code worker.concurrency},
 * {@code pipeline.docs.steps}, ….
 */
public final class IngestConfig {
  public static final String DB = "db";
  public static final String STORE = "store";

  private final Map<String, String> flags;
  private final Map<String, String> env;
  private final Map<String, String> file;
  private final Path home;
  private final Path configFile;

  private IngestConfig(Map<String, String> flags, Map<String, String> env, Map<String, String> file, Path home, Path configFile) {
    this.flags = flags;
    this.env = env;
    this.file = file;
    this.home = home;
    this.configFile = configFile;
  }

  /**
   * Resolves the configuration. {@code explicitConfig} is the {@code --config} flag, or null; a file named
   * explicitly (flag or {@code INGEST_CONFIG}) must exist, the default one need not.
   */
  public static IngestConfig load(Map<String, String> flags, Map<String, String> env, Path explicitConfig) {
    Path home = home(env);
    Path configFile = explicitConfig;
    boolean required = true;
    if (configFile == null && env.get("INGEST_CONFIG") != null) {
      configFile = Path.of(env.get("INGEST_CONFIG"));
    }
    if (configFile == null) {
      required = false;
      String xdg = env.get("XDG_CONFIG_HOME");
      Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
      configFile = base.resolve("ingest").resolve("ingest.properties");
    }
    Map<String, String> file = readProperties(configFile, required);
    Map<String, String> cleanFlags = new LinkedHashMap<>();
    flags.forEach((k, v) -> {
      if (v != null) {
        cleanFlags.put(k, v);
      }
    });
    return new IngestConfig(cleanFlags, Map.copyOf(env), file, home, Files.exists(configFile) ? configFile : null);
  }

  public static IngestConfig of(Map<String, String> values) {
    return new IngestConfig(new LinkedHashMap<>(values), Map.of(), Map.of(), Path.of("."), null);
  }

  private static Path home(Map<String, String> env) {
    String explicit = env.get("INGEST_HOME");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String xdg = env.get("XDG_DATA_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "ingest");
    }
    return Path.of(System.getProperty("user.home"), ".local", "share", "ingest");
  }

  private static Map<String, String> readProperties(Path path, boolean required) {
    if (!Files.exists(path)) {
      if (required) {
        throw new InvalidInputException("config file " + path + " does not exist");
      }
      return Map.of();
    }
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(path)) {
      props.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidInputException("cannot read config file " + path + ": " + e.getMessage(), e);
    }
    Map<String, String> out = new TreeMap<>();
    props.forEach((k, v) -> out.put(k.toString().trim(), v.toString().trim()));
    return out;
  }

  public static String envName(String key) {
    return "INGEST_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The value of a key, or empty when no source sets it and it has no built-in default. */
  public Optional<String> get(String key) {
    String v = flags.get(key);
    if (v == null) {
      v = env.get(envName(key));
    }
    if (v == null) {
      v = file.get(key);
    }
    if (v == null) {
      v = defaults().get(key);
    }
    return Optional.ofNullable(v).filter(s -> !s.isBlank());
  }

  public String get(String key, String fallback) {
    return get(key).orElse(fallback);
  }

  public int getInt(String key, int fallback) {
    String v = get(key).orElse(null);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new InvalidInputException("invalid number '" + v + "' for " + key);
    }
  }

  public java.time.Duration getDuration(String key, java.time.Duration fallback) {
    return get(key)
        .map(v -> {
          try {
            return Durations.parse(v);
          } catch (InvalidInputException e) {
            throw new InvalidInputException(key + " (" + sourceOf(key) + "): " + e.getMessage(), e);
          }
        })
        .orElse(fallback);
  }

  /** Where the value of a key came from: flag, env, file or default. */
  public String sourceOf(String key) {
    if (flags.containsKey(key)) {
      return "flag";
    }
    if (env.containsKey(envName(key))) {
      return "env " + envName(key);
    }
    if (file.containsKey(key)) {
      return "file";
    }
    return defaults().containsKey(key) ? "default" : "unset";
  }

  /** Every key set in the properties file that starts with the prefix. */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new TreeMap<>();
    file.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k, v);
      }
    });
    flags.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k, v);
      }
    });
    return out;
  }

  public Path home() {
    return home;
  }

  public Optional<Path> configFile() {
    return Optional.ofNullable(configFile);
  }

  public String env(String name) {
    return env.get(name);
  }

  private Map<String, String> defaults() {
    return Map.of(DB, "sqlite:" + home.resolve("ingest.db"), STORE, "file:" + home.resolve("blobs"));
  }
}
