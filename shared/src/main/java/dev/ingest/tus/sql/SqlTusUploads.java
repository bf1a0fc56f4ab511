package dev.ingest.tus.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.blob.UploadedPart;
import dev.ingest.json.Json;
import dev.ingest.queue.sql.Database;
import dev.ingest.tus.TusUpload;
import dev.ingest.tus.TusUploads;
import dev.ingest.upload.UploadRequest;
import dev.ingest.upload.sql.PartsTable;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** {@link TusUploads} in the queue's database; parts go to the {@code upload_parts} table under the upload's id. */
public final class SqlTusUploads implements TusUploads {
  private static final RowMapper<TusUpload> MAPPER =
      (rs, ctx) -> {
        JsonNode options = Json.parse(rs.getString("options"));
        return new TusUpload(
            rs.getString("id"),
            rs.getString("tenant"),
            rs.getLong("length"),
            rs.getLong("upload_offset"),
            rs.getString("metadata"),
            options.path("name").asText(null),
            request(options),
            rs.getString("file_id"),
            rs.getString("blob_key"),
            rs.getString("store_upload_id"),
            rs.getLong("part_size"),
            rs.getLong("tail_size"),
            rs.getString("mime_type"),
            rs.getString("job_id"),
            rs.getInt("deduplicated") != 0,
            Instant.ofEpochMilli(rs.getLong("created_at")),
            Instant.ofEpochMilli(rs.getLong("expires_at")));
      };

  private final Database db;

  public SqlTusUploads(Database db) {
    this.db = db;
  }

  static String options(String name, UploadRequest r) {
    ObjectNode o = Json.object();
    o.put("name", name);
    o.put("pipeline", r.pipeline());
    o.put("queue", r.queue());
    o.put("priority", r.priority());
    o.put("dedupeKey", r.dedupeKey());
    o.put("maxAttempts", r.maxAttempts());
    o.put("force", r.force());
    if (r.timeout() != null) {
      o.put("timeoutMs", r.timeout().toMillis());
    }
    if (!r.options().isEmpty()) {
      ObjectNode options = o.putObject("options");
      r.options().forEach(options::put);
    }
    ObjectNode meta = o.putObject("meta");
    r.meta().forEach(meta::put);
    return Json.line(o);
  }

  static UploadRequest request(JsonNode o) {
    Map<String, String> meta = new LinkedHashMap<>();
    o.path("meta").fields().forEachRemaining(e -> meta.put(e.getKey(), e.getValue().asText()));
    Map<String, String> options = new java.util.LinkedHashMap<>();
    o.path("options").fields().forEachRemaining(e -> options.put(e.getKey(), e.getValue().asText()));
    return new UploadRequest(
        o.path("pipeline").asText(), o.path("queue").asText(), o.path("priority").asInt(),
        o.path("dedupeKey").isNull() ? null : o.path("dedupeKey").asText(null), o.path("maxAttempts").asInt(),
        meta, 0, UploadRequest.DEFAULT_PARALLEL, o.path("force").asBoolean(), 0,
        o.hasNonNull("timeoutMs") ? java.time.Duration.ofMillis(o.path("timeoutMs").asLong()) : null, options);
  }

  @Override
  public void create(TusUpload u) {
    db.withHandle(
        h -> h.createUpdate(
                "INSERT INTO tus_uploads (id, tenant, length, upload_offset, metadata, options, file_id, blob_key, "
                    + "store_upload_id, part_size, tail_size, mime_type, created_at, updated_at, expires_at) VALUES "
                    + "(:id, :tenant, :length, :offset, :metadata, :options, :fileId, :blobKey, :storeUploadId, "
                    + ":partSize, :tailSize, :mime, :created, :created, :expires)")
            .bind("id", u.id())
            .bind("tenant", u.tenant())
            .bind("length", u.length())
            .bind("offset", u.offset())
            .bind("metadata", u.metadata())
            .bind("options", options(u.name(), u.request()))
            .bind("fileId", u.fileId())
            .bind("blobKey", u.blobKey())
            .bind("storeUploadId", u.storeUploadId())
            .bind("partSize", u.partSize())
            .bind("tailSize", u.tailSize())
            .bind("mime", u.mimeType())
            .bind("created", u.createdAt().toEpochMilli())
            .bind("expires", u.expiresAt().toEpochMilli())
            .execute());
  }

  @Override
  public Optional<TusUpload> find(String tenant, String id) {
    return db.withHandle(
        h -> h.createQuery("SELECT * FROM tus_uploads WHERE id = :id AND tenant = :tenant")
            .bind("id", id)
            .bind("tenant", tenant)
            .map(MAPPER)
            .findFirst());
  }

  @Override
  public boolean tryLock(String tenant, String id, String owner, Instant now, Instant until) {
    return db.withHandle(
            h -> h.createUpdate(
                    "UPDATE tus_uploads SET lock_owner = :owner, lock_expires_at = :until WHERE id = :id "
                        + "AND tenant = :tenant AND (lock_owner IS NULL OR lock_expires_at < :now)")
                .bind("owner", owner)
                .bind("until", until.toEpochMilli())
                .bind("id", id)
                .bind("tenant", tenant)
                .bind("now", now.toEpochMilli())
                .execute())
        == 1;
  }

  @Override
  public boolean renewLock(String id, String owner, Instant until) {
    return db.withHandle(
            h -> h.createUpdate("UPDATE tus_uploads SET lock_expires_at = :until WHERE id = :id AND lock_owner = :owner")
                .bind("until", until.toEpochMilli())
                .bind("id", id)
                .bind("owner", owner)
                .execute())
        == 1;
  }

  @Override
  public void unlock(String id, String owner) {
    db.withHandle(
        h -> h.createUpdate(
                "UPDATE tus_uploads SET lock_owner = NULL, lock_expires_at = NULL WHERE id = :id AND lock_owner = :owner")
            .bind("id", id)
            .bind("owner", owner)
            .execute());
  }

  @Override
  public boolean advance(
      String id, String owner, long offset, long tailSize, String storeUploadId, String mimeType,
      List<UploadedPart> newParts, Instant expiresAt) {
    return db.inTransaction(
        h -> {
          int rows =
              h.createUpdate(
                      "UPDATE tus_uploads SET upload_offset = :offset, tail_size = :tail, "
                          + "store_upload_id = :storeUploadId, mime_type = COALESCE(mime_type, :mime), "
                          + "updated_at = :now, expires_at = :expires WHERE id = :id AND lock_owner = :owner")
                  .bind("offset", offset)
                  .bind("tail", tailSize)
                  .bind("storeUploadId", storeUploadId)
                  .bind("mime", mimeType)
                  .bind("now", System.currentTimeMillis())
                  .bind("expires", expiresAt.toEpochMilli())
                  .bind("id", id)
                  .bind("owner", owner)
                  .execute();
          if (rows != 1) {
            return false;
          }
          recordParts(h, id, newParts);
          return true;
        });
  }

  private static void recordParts(Handle h, String id, List<UploadedPart> parts) {
    parts.forEach(part -> PartsTable.record(h, id, part));
  }

  @Override
  public List<UploadedPart> parts(String id) {
    return db.withHandle(h -> PartsTable.list(h, id));
  }

  @Override
  public boolean finish(String id, String owner, String fileId, String jobId, boolean deduplicated, Instant expiresAt) {
    return db.inTransaction(
        h -> {
          int rows =
              h.createUpdate(
                      "UPDATE tus_uploads SET upload_offset = length, tail_size = 0, file_id = :fileId, job_id = :jobId, "
                          + "deduplicated = :dedup, lock_owner = NULL, lock_expires_at = NULL, updated_at = :now, "
                          + "expires_at = :expires WHERE id = :id AND lock_owner = :owner")
                  .bind("fileId", fileId)
                  .bind("jobId", jobId)
                  .bind("dedup", deduplicated ? 1 : 0)
                  .bind("now", System.currentTimeMillis())
                  .bind("expires", expiresAt.toEpochMilli())
                  .bind("id", id)
                  .bind("owner", owner)
                  .execute();
          if (rows == 1) {
            PartsTable.deleteAll(h, id);
          }
          return rows == 1;
        });
  }

  @Override
  public void delete(String id) {
    db.inTransaction(
        h -> {
          PartsTable.deleteAll(h, id);
          return h.createUpdate("DELETE FROM tus_uploads WHERE id = :id").bind("id", id).execute();
        });
  }

  @Override
  public List<TusUpload> expiredBefore(String tenant, Instant now) {
    return db.withHandle(
        h -> {
          var q = h.createQuery(
                  "SELECT * FROM tus_uploads WHERE expires_at < :now" + (tenant == null ? "" : " AND tenant = :tenant"))
              .bind("now", now.toEpochMilli());
          if (tenant != null) {
            q.bind("tenant", tenant);
          }
          return q.map(MAPPER).list();
        });
  }

  @Override
  public Set<String> liveStoreUploadIds(Instant now) {
    return new HashSet<>(
        db.withHandle(
            h -> h.createQuery(
                    "SELECT store_upload_id FROM tus_uploads WHERE store_upload_id IS NOT NULL AND job_id IS NULL "
                        + "AND expires_at >= :now")
                .bind("now", now.toEpochMilli())
                .mapTo(String.class)
                .list()));
  }
}
