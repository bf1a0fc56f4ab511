package dev.ingest.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * One readable log line: {@code 2026-11-24T10:15:30.123+01:00 INFO  Worker worker=w1 job=job_… - message},
 * then the stack trace if there is one.
 *
 * <p>why: written out rather than a logback {@code PatternLayout}, whose pattern compiler registers about a
 * hundred converters when logging starts; every command pays that, most of them without logging a line.
 */
final class LogLine extends LayoutBase<ILoggingEvent> {
  private volatile DateTimeFormatter time; // made at the first line: most commands never log one

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder sb = new StringBuilder(128);
    sb.append(time().format(Instant.ofEpochMilli(event.getTimeStamp()))).append(' ');
    String level = event.getLevel().toString();
    sb.append(level);
    for (int i = level.length(); i < 5; i++) {
      sb.append(' ');
    }
    sb.append(' ').append(shortName(event.getLoggerName()));
    Map<String, String> mdc = event.getMDCPropertyMap();
    appendIfSet(sb, " worker=", mdc.get("workerId"));
    appendIfSet(sb, " job=", mdc.get("jobId"));
    sb.append(" - ").append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      sb.append(ThrowableProxyUtil.asString(thrown)).append(CoreConstants.LINE_SEPARATOR);
    }
    return sb.toString();
  }

  static String shortName(String loggerName) {
    int dot = loggerName.lastIndexOf('.');
    return dot < 0 ? loggerName : loggerName.substring(dot + 1);
  }

  private static void appendIfSet(StringBuilder sb, String label, String value) {
    if (value != null && !value.isEmpty()) {
      sb.append(label).append(value);
    }
  }

  private DateTimeFormatter time() {
    DateTimeFormatter t = time;
    if (t == null) {
      t = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneId.systemDefault());
      time = t;
    }
    return t;
  }
}
