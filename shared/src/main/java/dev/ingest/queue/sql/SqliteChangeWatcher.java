package dev.ingest.queue.sql;

import dev.ingest.queue.Wakeups;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQLite cannot push, but it can say cheaply whether anyone else committed: {@code PRAGMA data_version}
 * changes on a connection whenever another connection (of any process) commits. One connection of its own
 * asks every few milliseconds — an in-memory read of the WAL index, no disk I/O — and wakes the worker on
 * a change, so an idle worker picks a new job up within milliseconds instead of at its next back-off poll.
 * A change may be anything (a heartbeat, another worker's completion); a spurious wake-up costs one claim.
 */
final class SqliteChangeWatcher implements Wakeups {
  private static final Logger log = LoggerFactory.getLogger(SqliteChangeWatcher.class);

  private final Supplier<Connection> connect;
  private final long intervalMillis;
  private volatile boolean closed;
  private Thread thread;

  SqliteChangeWatcher(Supplier<Connection> connect, java.time.Duration interval) {
    this.connect = connect;
    this.intervalMillis = Math.max(1, interval.toMillis());
  }

  @Override
  public void start(Consumer<String> onJobs) {
    thread = new Thread(() -> loop(onJobs), "ingest-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop(Consumer<String> onJobs) {
    while (!closed) {
      try (Connection c = connect.get();
          Statement s = c.createStatement()) {
        long seen = dataVersion(s);
        onJobs.accept(null); // why: jobs may have arrived before we started watching
        while (!closed) {
          sleep(intervalMillis);
          long now = dataVersion(s);
          if (now != seen) {
            seen = now;
            onJobs.accept(null);
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!closed) {
          log.warn("cannot watch the database for new jobs ({}); polling until it is back", e.getMessage());
          sleep(2000);
        }
      }
    }
  }

  private static long dataVersion(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("PRAGMA data_version")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      closed = true;
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
