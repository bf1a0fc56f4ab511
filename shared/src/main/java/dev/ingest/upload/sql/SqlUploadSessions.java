package dev.ingest.upload.sql;

import dev.ingest.blob.UploadedPart;
import dev.ingest.queue.sql.Database;
import dev.ingest.upload.UploadSession;
import dev.ingest.upload.UploadSessions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/** {@link UploadSessions} in the queue's database. */
public final class SqlUploadSessions implements UploadSessions {
  private static final RowMapper<UploadSession> MAPPER =
      (rs, ctx) ->
          new UploadSession(
              rs.getString("id"),
              rs.getString("path"),
              rs.getLong("size"),
              rs.getLong("mtime"),
              rs.getString("file_id"),
              rs.getString("blob_key"),
              rs.getString("upload_id"),
              rs.getLong("part_size"),
              Instant.ofEpochMilli(rs.getLong("created_at")));

  private final Database db;

  public SqlUploadSessions(Database db) {
    this.db = db;
  }

  @Override
  public Optional<UploadSession> findByPath(String absolutePath) {
    return db.withHandle(
        h -> h.createQuery("SELECT * FROM upload_sessions WHERE path = :path")
            .bind("path", absolutePath)
            .map(MAPPER)
            .findFirst());
  }

  @Override
  public void save(UploadSession s) {
    db.inTransaction(
        h -> {
          h.createUpdate("DELETE FROM upload_parts WHERE session_id IN (SELECT id FROM upload_sessions WHERE path = :path)")
              .bind("path", s.path())
              .execute();
          h.createUpdate("DELETE FROM upload_sessions WHERE path = :path").bind("path", s.path()).execute();
          return h.createUpdate(
                  "INSERT INTO upload_sessions (id, path, size, mtime, file_id, blob_key, upload_id, part_size, "
                      + "created_at, updated_at) VALUES (:id, :path, :size, :mtime, :fileId, :key, :uploadId, "
                      + ":partSize, :at, :at)")
              .bind("id", s.id())
              .bind("path", s.path())
              .bind("size", s.size())
              .bind("mtime", s.mtimeMillis())
              .bind("fileId", s.fileId())
              .bind("key", s.blobKey())
              .bind("uploadId", s.uploadId())
              .bind("partSize", s.partSize())
              .bind("at", s.createdAt().toEpochMilli())
              .execute();
        });
  }

  @Override
  public void recordPart(String sessionId, UploadedPart part) {
    db.inTransaction(h -> {
      PartsTable.record(h, sessionId, part);
      return null;
    });
  }

  @Override
  public List<UploadedPart> parts(String sessionId) {
    return db.withHandle(h -> PartsTable.list(h, sessionId));
  }

  @Override
  public void delete(String sessionId) {
    db.inTransaction(
        h -> {
          PartsTable.deleteAll(h, sessionId);
          return h.createUpdate("DELETE FROM upload_sessions WHERE id = :id").bind("id", sessionId).execute();
        });
  }

  @Override
  public List<UploadSession> startedBefore(Instant cutoff) {
    return db.withHandle(
        h -> h.createQuery("SELECT * FROM upload_sessions WHERE created_at < :cutoff")
            .bind("cutoff", cutoff.toEpochMilli())
            .map(MAPPER)
            .list());
  }
}
