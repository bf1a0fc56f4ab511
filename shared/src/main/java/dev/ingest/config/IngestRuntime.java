package dev.ingest.config;

import dev.ingest.blob.BlobStore;
import dev.ingest.blob.local.LocalBlobStore;
import dev.ingest.blob.s3.S3BlobStore;
import dev.ingest.blob.s3.S3Location;
import dev.ingest.core.Clock;
import dev.ingest.core.InvalidInputException;
import dev.ingest.core.RetryPolicy;
import dev.ingest.files.FileCatalog;
import dev.ingest.files.sql.SqlFileCatalog;
import dev.ingest.queue.JobQueue;
import dev.ingest.queue.sql.Database;
import dev.ingest.queue.sql.SqlJobQueue;
import dev.ingest.upload.ContentTypeDetector;
import dev.ingest.upload.UploadService;
import dev.ingest.upload.UploadSessions;
import dev.ingest.upload.sql.SqlUploadSessions;
import java.nio.file.Path;

/** The one place where ingest's parts are put together from a configuration. */
public final class IngestRuntime implements AutoCloseable {
  private final IngestConfig config;
  private final Clock clock;
  private final Database database;
  private final JobQueue queue;
  private final FileCatalog files;
  private final UploadSessions sessions;
  private final dev.ingest.tus.TusUploads tus;
  private final dev.ingest.auth.ApiKeys keys;
  private BlobStore store;

  private IngestRuntime(IngestConfig config, Clock clock, Database database) {
    this.config = config;
    this.clock = clock;
    this.database = database;
    this.queue = new SqlJobQueue(database, clock, retryPolicy(config));
    this.files = new SqlFileCatalog(database);
    this.sessions = new SqlUploadSessions(database);
    this.tus = new dev.ingest.tus.sql.SqlTusUploads(database);
    this.keys = new dev.ingest.auth.sql.SqlApiKeys(database, clock);
  }

  /** Opens the database (migrating its schema); the blob store opens on first use. */
  public static IngestRuntime open(IngestConfig config, int poolSize) {
    String url = config.get(IngestConfig.DB).orElseThrow();
    Database database =
        Database.open(url, poolSize, config.getDuration("db.busy-timeout", Database.DEFAULT_BUSY_TIMEOUT));
    try {
      return new IngestRuntime(config, database.clock(localClock()), database);
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /**
   * This host's clock. The system property {@code ingest.test.clock-skew} (a duration, may start with '-')
   * shifts it, so tests can run a worker whose clock is wrong.
   */
  static Clock localClock() {
    String skew = System.getProperty("ingest.test.clock-skew");
    if (skew == null || skew.isBlank()) {
      return Clock.SYSTEM;
    }
    boolean negative = skew.startsWith("-");
    java.time.Duration d = Durations.parse(negative ? skew.substring(1) : skew);
    java.time.Duration shift = negative ? d.negated() : d;
    return () -> java.time.Instant.now().plus(shift);
  }

  static RetryPolicy retryPolicy(IngestConfig config) {
    RetryPolicy base = RetryPolicy.DEFAULT;
    return new RetryPolicy(
        config.getDuration("retry.base", base.base()),
        Double.parseDouble(config.get("retry.factor", String.valueOf(base.factor()))),
        config.getDuration("retry.cap", base.cap()),
        base.jitter());
  }

  public IngestConfig config() {
    return config;
  }

  public Clock clock() {
    return clock;
  }

  public Database database() {
    return database;
  }

  public JobQueue queue() {
    return queue;
  }

  public FileCatalog files() {
    return files;
  }

  public UploadSessions sessions() {
    return sessions;
  }

  public dev.ingest.tus.TusUploads tus() {
    return tus;
  }

  public dev.ingest.auth.ApiKeys keys() {
    return keys;
  }

  public dev.ingest.queue.MaintenanceLock maintenanceLock() {
    return new dev.ingest.queue.sql.SqlMaintenanceLock(database, clock);
  }

  public dev.ingest.retention.RetentionService retention() {
    return new dev.ingest.retention.RetentionService(queue, files, sessions, tus, store(), clock, deletes());
  }

  /** Deleting jobs and files for good. */
  public dev.ingest.deletion.DeleteService deletes() {
    return new dev.ingest.deletion.DeleteService(queue, files, new dev.ingest.queue.sql.SqlDeletions(database, clock), store(), clock);
  }

  public synchronized BlobStore store() {
    if (store == null) {
      store = openStore(config);
    }
    return store;
  }

  public UploadService uploads(ContentTypeDetector detector) {
    return new UploadService(store(), files, sessions, queue, detector, clock).transactions(transactions());
  }

  /** Transactions on this runtime's database: catalog and queue calls inside one join it. */
  public dev.ingest.core.Transactions transactions() {
    return new dev.ingest.core.Transactions() {
      @Override
      public <T> T inTransaction(java.util.function.Supplier<T> work) {
        return database.inTransaction(h -> work.get());
      }
    };
  }

  /** Opens the blob store the configuration names, without the database. */
  public static BlobStore openStore(IngestConfig config) {
    String url = config.get(IngestConfig.STORE).orElseThrow();
    if (url.startsWith("file:")) {
      return new LocalBlobStore(Path.of(url.substring("file:".length())));
    }
    if (url.startsWith("s3://")) {
      S3Location location =
          S3Location.parse(
              url,
              config.get("s3.endpoint").orElse(null),
              config.get("s3.region").orElse(null),
              Boolean.parseBoolean(config.get("s3.path-style", "false")));
      return S3BlobStore.open(location, config.getInt("s3.max-connections", 32));
    }
    throw new InvalidInputException(
        "unsupported store '" + url + "' (expected file:DIR or s3://bucket/prefix; from --store, INGEST_STORE or store=)");
  }

  @Override
  public void close() {
    if (store != null) {
      store.close();
    }
    database.close();
  }
}
