package dev.ingest.files.sql;

import dev.ingest.core.FileRef;
import dev.ingest.files.FileCatalog;
import dev.ingest.queue.sql.Database;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/** {@link FileCatalog} in the queue's database. */
public final class SqlFileCatalog implements FileCatalog {
  private static final RowMapper<FileRef> MAPPER =
      (rs, ctx) ->
          new FileRef(
              rs.getString("id"),
              rs.getString("name"),
              rs.getLong("size"),
              rs.getString("sha256"),
              rs.getString("mime_type"),
              rs.getString("blob_key"));

  private final Database db;

  /**
   * One index entry, not a count: with {@code COUNT(*)} every upload of a batch of same-size files read all the
   * rows of that size before it (two thirds of SQLite's time in a 5,200-file batch).
   */
  static final String ANY_WITH_SIZE = "SELECT EXISTS (SELECT 1 FROM files WHERE tenant = :tenant AND size = :size)";

  public SqlFileCatalog(Database db) {
    this.db = db;
  }

  @Override
  public Optional<FileRef> findBySha256(String tenant, String sha256) {
    return db.withHandle(
        h -> h.createQuery("SELECT * FROM files WHERE tenant = :tenant AND sha256 = :sha")
            .bind("tenant", tenant)
            .bind("sha", sha256)
            .map(MAPPER)
            .findFirst());
  }

  @Override
  public Optional<FileRef> find(String fileId) {
    return db.withHandle(
        h -> h.createQuery("SELECT * FROM files WHERE id = :id").bind("id", fileId).map(MAPPER).findFirst());
  }

  @Override
  public boolean anyWithSize(String tenant, long size) {
    return db.withHandle(
        h -> h.createQuery(ANY_WITH_SIZE).bind("size", size).bind("tenant", tenant).mapTo(Boolean.class).one());
  }

  @Override
  public FileRef add(String tenant, FileRef file, Instant createdAt) {
    return db.onDuplicate(
        () -> {
          db.jdbi().useHandle(
              h -> h.createUpdate(
                      "INSERT INTO files (id, sha256, size, blob_key, name, mime_type, created_at, tenant) "
                          + "VALUES (:id, :sha, :size, :key, :name, :mime, :at, :tenant)")
                  .bind("tenant", tenant)
                  .bind("id", file.id())
                  .bind("sha", file.sha256())
                  .bind("size", file.size())
                  .bind("key", file.blobKey())
                  .bind("name", file.name())
                  .bind("mime", file.mimeType())
                  .bind("at", createdAt.toEpochMilli())
                  .execute());
          return file;
        },
        e -> findBySha256(tenant, file.sha256()).orElseThrow(() -> new IllegalStateException("file vanished", e)));
  }

  @Override
  public void updateMimeType(String fileId, String mimeType) {
    db.withHandle(
        h -> h.createUpdate("UPDATE files SET mime_type = :mime WHERE id = :id")
            .bind("mime", mimeType)
            .bind("id", fileId)
            .execute());
  }

  @Override
  public java.util.Set<String> existing(java.util.Collection<String> fileIds) {
    if (fileIds.isEmpty()) {
      return java.util.Set.of();
    }
    return db.withHandle(h -> h.createQuery("SELECT id FROM files WHERE id IN (<ids>)")
        .bindList("ids", List.copyOf(fileIds))
        .mapTo(String.class)
        .collect(java.util.stream.Collectors.toSet()));
  }

  @Override
  public List<FileRef> unreferencedBefore(String tenant, Instant cutoff) {
    return db.withHandle(
        h -> {
          var q = h.createQuery(
                  "SELECT * FROM files f WHERE f.created_at < :cutoff"
                      + (tenant == null ? "" : " AND f.tenant = :tenant")
                      + " AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.file_id = f.id)")
              .bind("cutoff", cutoff.toEpochMilli());
          if (tenant != null) {
            q.bind("tenant", tenant);
          }
          return q.map(MAPPER).list();
        });
  }

  private static final String WITH_JOBS =
      "SELECT f.*, (SELECT COUNT(*) FROM jobs j WHERE j.file_id = f.id) AS job_count FROM files f WHERE 1 = 1";

  private static final RowMapper<dev.ingest.files.StoredFile> STORED =
      (rs, ctx) ->
          new dev.ingest.files.StoredFile(
              MAPPER.map(rs, ctx), rs.getString("tenant"), Instant.ofEpochMilli(rs.getLong("created_at")), rs.getInt("job_count"));

  @Override
  public List<dev.ingest.files.StoredFile> list(String tenant, int limit) {
    return db.withHandle(
        h -> {
          var q = h.createQuery(WITH_JOBS + (tenant == null ? "" : " AND f.tenant = :tenant") + " ORDER BY f.created_at DESC, f.id DESC LIMIT :limit")
              .bind("limit", limit);
          if (tenant != null) {
            q.bind("tenant", tenant);
          }
          return q.map(STORED).list();
        });
  }

  @Override
  public Optional<dev.ingest.files.StoredFile> describe(String tenant, String fileId) {
    return db.withHandle(
        h -> {
          var q = h.createQuery(WITH_JOBS + " AND f.id = :id" + (tenant == null ? "" : " AND f.tenant = :tenant")).bind("id", fileId);
          if (tenant != null) {
            q.bind("tenant", tenant);
          }
          return q.map(STORED).findFirst();
        });
  }

  @Override
  public void delete(String fileId) {
    db.withHandle(h -> h.createUpdate("DELETE FROM files WHERE id = :id").bind("id", fileId).execute());
  }
}
