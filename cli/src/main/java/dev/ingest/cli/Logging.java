package dev.ingest.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Sets the log level at run time: commands stay quiet, the worker reports. */
public final class Logging {
  private Logging() {}

  public static void level(String level) {
    Object root = LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (root instanceof Logger) {
      ((Logger) root).setLevel(Level.toLevel(level, Level.INFO));
    }
  }
}
