package dev.ingest.pipeline;

import dev.ingest.core.InvalidInputException;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Custom steps packaged as jars in a plug-in folder ({@code plugins.dir}, by default {@code <home>/plugins}),
 * so they can be added to the single ingest jar without rebuilding it. Each jar lists its
 * {@link StepFactory} classes in {@code META-INF/services/dev.ingest.pipeline.StepFactory}.
 */
public final class Plugins {
  private Plugins() {}

  /** A class loader over every jar in {@code dir} (sorted by name), or the application's when there are none. */
  public static ClassLoader classLoader(Path dir) {
    ClassLoader parent = Plugins.class.getClassLoader();
    if (dir == null || !Files.isDirectory(dir)) {
      return parent;
    }
    List<URL> jars = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path jar : files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
        jars.add(jar.toUri().toURL());
      }
    } catch (MalformedURLException e) {
      throw new InvalidInputException("bad plug-in path in " + dir + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read the plug-in folder " + dir + ": " + e.getMessage(), e);
    }
    return jars.isEmpty() ? parent : new URLClassLoader("ingest-plugins", jars.toArray(URL[]::new), parent);
  }
}
