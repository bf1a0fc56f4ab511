package dev.ingest.queue.sql;

import dev.ingest.queue.Wakeups;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code LISTEN ingest_jobs} on a connection of its own (outside the pool, so a pooler in transaction mode
 * is never involved); reconnects after errors. Enqueues {@code NOTIFY} in their transaction.
 */
final class PostgresListener implements Wakeups {
  static final String CHANNEL = "ingest_jobs";
  private static final Logger log = LoggerFactory.getLogger(PostgresListener.class);

  private final Supplier<Connection> connect;
  private volatile boolean closed;
  private volatile Connection connection;
  private Thread thread;

  PostgresListener(Supplier<Connection> connect) {
    this.connect = connect;
  }

  @Override
  public void start(Consumer<String> onJobs) {
    thread = new Thread(() -> loop(onJobs), "ingest-listen");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop(Consumer<String> onJobs) {
    while (!closed) {
      try (Connection c = connect.get()) {
        connection = c;
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        onJobs.accept(null); // why: jobs may have arrived while we were not listening
        while (!closed) {
          PGNotification[] notes = pg.getNotifications(1000);
          if (notes != null) {
            for (PGNotification n : notes) {
              onJobs.accept(n.getParameter());
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!closed) {
          log.warn("LISTEN connection lost ({}); polling until it is back", e.getMessage());
          sleep(2000);
        }
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    Connection c = connection;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // closing anyway
      }
    }
  }
}
