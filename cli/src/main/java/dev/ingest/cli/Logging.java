package dev.ingest.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Sets the log level and format at run time: commands stay quiet, the worker reports. */
public final class Logging {
  private Logging() {}

  /**
   * {@code text} (the default pattern) or {@code json}: one JSON object per line, MDC (job and worker id)
   * included, for log shippers.
   */
  public static void format(String format) {
    if (!"json".equalsIgnoreCase(format)) {
      if (!"text".equalsIgnoreCase(format)) {
        throw new dev.ingest.core.InvalidInputException("unknown log format '" + format + "' (text or json)");
      }
      return;
    }
    Object root = LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (!(root instanceof Logger)) {
      return;
    }
    Logger logger = (Logger) root;
    var appender = logger.getAppender(LogSetup.APPENDER);
    if (appender instanceof ch.qos.logback.core.ConsoleAppender) {
      @SuppressWarnings("unchecked")
      var console = (ch.qos.logback.core.ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent>) appender;
      var encoder = new ch.qos.logback.classic.encoder.JsonEncoder();
      encoder.setContext(logger.getLoggerContext());
      encoder.setWithSequenceNumber(false);
      encoder.setWithNanoseconds(false);
      encoder.setWithContext(false);
      encoder.setWithFormattedMessage(true);
      encoder.setWithMessage(false);
      encoder.setWithArguments(false);
      encoder.start();
      console.stop();
      console.setEncoder(encoder);
      console.start();
    }
  }

  public static void level(String level) {
    Object root = LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (root instanceof Logger) {
      ((Logger) root).setLevel(Level.toLevel(level, Level.INFO));
    }
  }
}
