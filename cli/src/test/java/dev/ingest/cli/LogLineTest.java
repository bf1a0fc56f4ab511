package dev.ingest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogLineTest {
  private final LoggerContext context = new LoggerContext();

  LogLineTest() {
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
  }

  private String layout(LoggingEvent event) {
    LogLine line = new LogLine();
    line.setContext(context);
    line.start();
    return line.doLayout(event);
  }

  private LoggingEvent event(Level level, String message, Throwable thrown, Object... args) {
    LoggingEvent event = new LoggingEvent(
        getClass().getName(), context.getLogger("dev.ingest.worker.Worker"), level, message, thrown, args);
    event.setTimeStamp(1_764_000_000_123L);
    return event;
  }

  @Test
  void aLineCarriesTimeLevelShortLoggerNameWorkerJobAndMessage() {
    LoggingEvent event = event(Level.INFO, "job {} done in {} ms", null, "job_1", 42);
    event.setMDCPropertyMap(Map.of("workerId", "w-host-1", "jobId", "job_1"));

    String line = layout(event);

    assertTrue(
        line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.123([+-]\\d\\d:\\d\\d|Z) "
            + "INFO  Worker worker=w-host-1 job=job_1 - job job_1 done in 42 ms\\R"),
        line);
  }

  @Test
  void withoutWorkerOrJobTheLabelsAreLeftOut() {
    LoggingEvent event = event(Level.WARN, "store slow", null);
    event.setMDCPropertyMap(Map.of("jobId", ""));

    String line = layout(event);

    assertTrue(line.endsWith(" WARN  Worker - store slow" + System.lineSeparator()), line);
  }

  @Test
  void aThrowableFollowsTheLineWithItsStackTrace() {
    String line = layout(event(Level.ERROR, "step failed", new IllegalStateException("boom")));

    String[] lines = line.split("\\R");
    assertTrue(lines[0].endsWith(" ERROR Worker - step failed"), lines[0]);
    assertEquals("java.lang.IllegalStateException: boom", lines[1]);
    assertTrue(lines[2].trim().startsWith("at dev.ingest.cli.LogLineTest"), lines[2]);
  }

  @Test
  void theLoggerNameIsShortenedToItsLastPart() {
    assertEquals("Worker", LogLine.shortName("dev.ingest.worker.Worker"));
    assertEquals("root", LogLine.shortName("root"));
  }
}
