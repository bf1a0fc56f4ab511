package dev.ingest.queue.sql;

import dev.ingest.blob.BlobKeys;
import dev.ingest.core.Clock;
import dev.ingest.deletion.Deletions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/** {@link Deletions} in the queue's database: jobs, files, their events and the list of objects to remove. */
public final class SqlDeletions implements Deletions {
  /** A job that may go: finished, or running under a lease nobody renewed in time (its worker is gone). */
  private static final String DELETABLE =
      "(status IN " + SqlQueuePart.FINISHED + " OR (status = 'running' AND lease_expires_at < :now))";

  private final Database db;
  private final Clock clock;

  public SqlDeletions(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override
  public Removed delete(Collection<String> jobIds, Collection<String> fileIds, Map<String, String> bodies, List<String> resultNames) {
    long now = clock.now().toEpochMilli();
    return db.inTransaction(
        h -> {
          List<String> jobs = new ArrayList<>();
          Set<String> candidateFiles = new LinkedHashSet<>(fileIds);
          if (!jobIds.isEmpty()) {
            h.createQuery("SELECT id, file_id FROM jobs WHERE id IN (<ids>) AND " + DELETABLE + " ORDER BY id")
                .bindList("ids", List.copyOf(jobIds))
                .bind("now", now)
                .map((rs, ctx) -> {
                  jobs.add(rs.getString("id"));
                  if (rs.getString("file_id") != null) {
                    candidateFiles.add(rs.getString("file_id"));
                  }
                  return null;
                })
                .list();
          }
          if (!jobs.isEmpty()) {
            h.createUpdate("DELETE FROM job_errors WHERE job_id IN (<ids>)").bindList("ids", jobs).execute();
            h.createUpdate("DELETE FROM job_events WHERE job_id IN (<ids>)").bindList("ids", jobs).execute();
            h.createUpdate("DELETE FROM tus_uploads WHERE job_id IN (<ids>)").bindList("ids", jobs).execute();
            h.createUpdate("DELETE FROM jobs WHERE id IN (<ids>)").bindList("ids", jobs).execute();
            for (String id : jobs) {
              for (String name : resultNames) {
                list(h, BlobKeys.result(id, name), now);
              }
              String body = bodies.get(id);
              if (body != null) {
                h.createUpdate(
                        "INSERT INTO job_events (job_id, status, created_at, body) "
                            + "SELECT :id, 'deleted', :now, :body WHERE EXISTS (SELECT 1 FROM event_subscriptions)")
                    .bind("id", id)
                    .bind("now", now)
                    .bind("body", body)
                    .execute();
              }
            }
          }
          List<String> files = new ArrayList<>();
          for (String fileId : candidateFiles) {
            boolean used =
                h.createQuery("SELECT COUNT(*) FROM jobs WHERE file_id = :id").bind("id", fileId).mapTo(Long.class).one() > 0;
            if (used) {
              continue;
            }
            h.createQuery("SELECT blob_key FROM files WHERE id = :id")
                .bind("id", fileId)
                .mapTo(String.class)
                .findFirst()
                .ifPresent(key -> {
                  h.createUpdate("DELETE FROM tus_uploads WHERE file_id = :id").bind("id", fileId).execute();
                  h.createUpdate("DELETE FROM files WHERE id = :id").bind("id", fileId).execute();
                  list(h, key, now);
                  files.add(fileId);
                });
          }
          return new Removed(jobs, files);
        });
  }

  private static void list(Handle h, String key, long now) {
    // why: ON CONFLICT … DO NOTHING reads the same in SQLite and PostgreSQL; a key listed twice is one object.
    h.createUpdate("INSERT INTO blob_deletions (blob_key, created_at) VALUES (:key, :now) ON CONFLICT (blob_key) DO NOTHING")
        .bind("key", key)
        .bind("now", now)
        .execute();
  }

  @Override
  public List<String> jobsOfFile(String fileId) {
    return db.withHandle(
        h -> h.createQuery("SELECT id FROM jobs WHERE file_id = :id ORDER BY id").bind("id", fileId).mapTo(String.class).list());
  }

  @Override
  public List<String> pendingObjects(int limit) {
    return db.withHandle(
        h -> h.createQuery("SELECT blob_key FROM blob_deletions ORDER BY created_at, blob_key LIMIT :limit")
            .bind("limit", limit)
            .mapTo(String.class)
            .list());
  }

  @Override
  public void objectDeleted(String key) {
    db.withHandle(h -> h.createUpdate("DELETE FROM blob_deletions WHERE blob_key = :key").bind("key", key).execute());
  }
}
