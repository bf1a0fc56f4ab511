package dev.ingest.queue.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ingest.core.InvalidInputException;
import dev.ingest.core.UnavailableException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A pooled connection to the queue's database, SQLite ({@code sqlite:PATH}) or PostgreSQL
 * ({@code postgresql://user:pass@host/db} or {@code jdbc:postgresql://…}), with its schema migrated.
 */
public final class Database implements AutoCloseable {
  public static final int DEFAULT_POOL_SIZE = 4;
  /** How long a SQLite write waits for another process's write lock before the database counts as unavailable. */
  public static final java.time.Duration DEFAULT_BUSY_TIMEOUT = java.time.Duration.ofSeconds(30);

  /** SQLite opens a connection in well under a millisecond: a command this small needs no pool. */
  static final int UNPOOLED_UP_TO = 2;

  private final javax.sql.DataSource dataSource;
  private final Jdbi jdbi;
  private final SqlDialect dialect;
  private final String description;
  private java.time.Duration busyTimeout = DEFAULT_BUSY_TIMEOUT;

  private Database(javax.sql.DataSource dataSource, SqlDialect dialect, String description) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.description = description;
    this.jdbi = Jdbi.create(dataSource);
  }

  /** Opens the database the URL names and brings its schema up to date. */
  public static Database open(String url, int poolSize) {
    return open(url, poolSize, DEFAULT_BUSY_TIMEOUT);
  }

  /** {@code busyTimeout}: how long a SQLite write waits for another process's lock (config {@code db.busy-timeout}). */
  public static Database open(String url, int poolSize, java.time.Duration busyTimeout) {
    Database db = connect(url, poolSize, busyTimeout);
    try {
      new Migrator(db).migrate();
      return db;
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  static Database connect(String url, int poolSize) {
    return connect(url, poolSize, DEFAULT_BUSY_TIMEOUT);
  }

  static Database connect(String url, int poolSize, java.time.Duration busyTimeout) {
    if (url.startsWith("sqlite:")) {
      return sqlite(Path.of(url.substring("sqlite:".length())), poolSize, busyTimeout);
    }
    if (url.startsWith("postgresql://") || url.startsWith("postgres://") || url.startsWith("jdbc:postgresql:")) {
      return postgres(url, poolSize);
    }
    throw new InvalidInputException(
        "unsupported database '" + url + "' (expected sqlite:PATH or postgresql://user:pass@host:5432/db)");
  }

  private static Database sqlite(Path file, int poolSize, java.time.Duration busyTimeout) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (java.io.IOException e) {
      throw new UnavailableException("cannot create the database folder for " + file + ": " + e.getMessage(), e);
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
    SqliteBusyWait busyWait = new SqliteBusyWait(busyTimeout);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    SQLiteDataSource sqlite = new SQLiteDataSource(config) {
      @Override
      public java.sql.Connection getConnection() throws SQLException {
        java.sql.Connection c = super.getConnection();
        org.sqlite.BusyHandler.setHandler(c, busyWait);
        return c;
      }
    };
    sqlite.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
    if (poolSize <= UNPOOLED_UP_TO) {
      // why: short CLI commands (status, result, jobs) start faster without a pool and its threads.
      return new Database(sqlite, new SqliteDialect(), "sqlite:" + file).busyTimeout(busyTimeout);
    }
    HikariConfig hikari = baseConfig(poolSize);
    hikari.setDataSource(sqlite);
    return new Database(start(hikari, "sqlite:" + file), new SqliteDialect(), "sqlite:" + file).busyTimeout(busyTimeout);
  }

  private static Database postgres(String url, int poolSize) {
    HikariConfig hikari = baseConfig(poolSize);
    String safe;
    if (url.startsWith("jdbc:")) {
      hikari.setJdbcUrl(url);
      safe = url.replaceAll("password=[^&]*", "password=***");
    } else {
      URI uri = URI.create(url);
      String jdbcUrl =
          "jdbc:postgresql://"
              + uri.getHost()
              + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
              + uri.getRawPath()
              + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
      hikari.setJdbcUrl(jdbcUrl);
      String userInfo = uri.getRawUserInfo();
      if (userInfo != null) {
        String[] parts = userInfo.split(":", 2);
        hikari.setUsername(URLDecoder.decode(parts[0], StandardCharsets.UTF_8));
        if (parts.length > 1) {
          hikari.setPassword(URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
        }
      }
      safe = "postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + uri.getRawPath();
    }
    hikari.setDriverClassName("org.postgresql.Driver");
    // why: turns a batch of INSERTs into multi-row INSERTs, several times faster for bulk enqueue.
    hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
    return new Database(start(hikari, safe), new PostgresDialect(), safe);
  }

  private static HikariConfig baseConfig(int poolSize) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("ingest");
    hikari.setMaximumPoolSize(Math.max(1, poolSize));
    hikari.setMinimumIdle(1);
    hikari.setConnectionTimeout(10_000);
    // why: fail at start-up with a clear error when the server is down, not on the first query.
    hikari.setInitializationFailTimeout(1);
    return hikari;
  }

  private static HikariDataSource start(HikariConfig config, String description) {
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      SQLException sql = sqlCause(e);
      if (sql != null && sql.getSQLState() != null && sql.getSQLState().startsWith("28")) {
        // why: SQLSTATE class 28 is a refused login; waiting will not change the password.
        throw new UnavailableException(
            "database " + description + " refused the login (" + rootMessage(e) + "): check the credentials", false, e);
      }
      throw new UnavailableException("database " + description + " is unavailable: " + rootMessage(e), e);
    }
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public SqlDialect dialect() {
    return dialect;
  }

  public String description() {
    return description;
  }

  /** Runs {@code callback} on a handle, translating database errors into ingest's errors. */
  public <T> T withHandle(HandleCallback<T, RuntimeException> callback) {
    return translate(() -> jdbi.withHandle(callback));
  }

  /** Work on a plain JDBC connection. */
  @FunctionalInterface
  public interface ConnectionWork<T> {
    T run(java.sql.Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} on a pooled connection in autocommit, without a Jdbi handle, translating errors as
   * {@link #withHandle} does. why: for one-statement hot paths; opening a handle (its configuration copy,
   * statement builder) took ~0.3 ms after a pause of a few tens of milliseconds, a sixth of a single
   * enqueue on PostgreSQL (measured around the calls).
   */
  public <T> T withConnection(ConnectionWork<T> work) {
    try (java.sql.Connection connection = dataSource.getConnection()) {
      return work.run(connection);
    } catch (SQLException e) {
      throw translate(new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null));
    }
  }

  /**
   * Runs {@code work} on the connection of {@code handle} (inside its transaction, if one is open); an error
   * leaves as the Jdbi exception a statement of the handle would have raised, for the caller's translation.
   * why: bulk statements bind through JDBC directly, Jdbi's per-argument binding being most of their CPU.
   */
  static <T> T onConnection(org.jdbi.v3.core.Handle handle, ConnectionWork<T> work) {
    try {
      return work.run(handle.getConnection());
    } catch (SQLException e) {
      throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
    }
  }

  /** Runs {@code callback} in one transaction, translating database errors into ingest's errors. */
  public <T> T inTransaction(HandleCallback<T, RuntimeException> callback) {
    return translate(() -> jdbi.inTransaction(callback));
  }

  /** Runs {@code body}; a unique violation goes to {@code onDuplicate}, other errors are translated. */
  public <T> T onDuplicate(java.util.function.Supplier<T> body, Function<SQLException, T> onDuplicate) {
    try {
      return body.get();
    } catch (JdbiException e) {
      SQLException sql = sqlCause(e);
      if (sql != null && dialect.isUniqueViolation(sql)) {
        return onDuplicate.apply(sql);
      }
      throw translate(e);
    }
  }

  private Database busyTimeout(java.time.Duration timeout) {
    this.busyTimeout = timeout;
    return this;
  }

  private <T> T translate(java.util.function.Supplier<T> body) {
    try {
      return body.get();
    } catch (JdbiException e) {
      throw translate(e);
    }
  }

  RuntimeException translate(JdbiException e) {
    SQLException sql = sqlCause(e);
    if (sql != null && dialect.isBusy(sql)) {
      return new UnavailableException(
          "database " + description + " is locked by another process (waited "
              + dev.ingest.config.Durations.format(busyTimeout) + "; db.busy-timeout)", e);
    }
    return new UnavailableException("database " + description + " failed: " + rootMessage(e), e);
  }

  static SQLException sqlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        return (SQLException) t;
      }
    }
    return null;
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return message.lines().findFirst().orElse(message);
  }

  /** The schema version the database is at. */
  public int schemaVersion() {
    return withHandle(h -> h.createQuery("SELECT COALESCE(MAX(version), 0) FROM ingest_schema").mapTo(Integer.class).one());
  }

  /** Push notification of new jobs for a worker (a no-op source on engines that cannot push). */
  public dev.ingest.queue.Wakeups wakeups() {
    return dialect.wakeups(
        () -> {
          try {
            if (!(dataSource instanceof HikariDataSource)) {
              return dataSource.getConnection();
            }
            HikariDataSource pool = (HikariDataSource) dataSource;
            if (pool.getJdbcUrl() != null) {
              return java.sql.DriverManager.getConnection(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
            }
            return pool.getDataSource().getConnection();
          } catch (SQLException e) {
            throw new UnavailableException("database " + description + " is unavailable: " + e.getMessage(), e);
          }
        });
  }

  /** The server's clock when the engine has one every host must share; otherwise {@code local}. */
  public dev.ingest.core.Clock clock(dev.ingest.core.Clock local) {
    return dialect
        .serverTimeQuery()
        .<dev.ingest.core.Clock>map(q -> new DatabaseClock(local, () -> withHandle(h -> h.createQuery(q).mapTo(Long.class).one())))
        .orElse(local);
  }

  @Override
  public void close() {
    if (dataSource instanceof HikariDataSource) {
      ((HikariDataSource) dataSource).close();
    }
  }
}
