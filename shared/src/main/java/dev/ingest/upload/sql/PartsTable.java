package dev.ingest.upload.sql;

import dev.ingest.blob.UploadedPart;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The {@code upload_parts} table, where the CLI's upload sessions and the server's tus uploads record the
 * parts the store acknowledged, under the session's or upload's id.
 */
public final class PartsTable {
  private PartsTable() {}

  /** Records a part, replacing an earlier record of the same number. */
  public static void record(Handle h, String ownerId, UploadedPart part) {
    h.createUpdate("DELETE FROM upload_parts WHERE session_id = :id AND part_number = :n")
        .bind("id", ownerId)
        .bind("n", part.number())
        .execute();
    h.createUpdate(
            "INSERT INTO upload_parts (session_id, part_number, etag, checksum, size) "
                + "VALUES (:id, :n, :etag, :checksum, :size)")
        .bind("id", ownerId)
        .bind("n", part.number())
        .bind("etag", part.etag())
        .bind("checksum", part.checksum())
        .bind("size", part.size())
        .execute();
  }

  /** The parts recorded, in order. */
  public static List<UploadedPart> list(Handle h, String ownerId) {
    return h.createQuery("SELECT * FROM upload_parts WHERE session_id = :id ORDER BY part_number")
        .bind("id", ownerId)
        .map((rs, ctx) -> new UploadedPart(
            rs.getInt("part_number"), rs.getString("etag"), rs.getString("checksum"), rs.getLong("size")))
        .list();
  }

  public static void deleteAll(Handle h, String ownerId) {
    h.createUpdate("DELETE FROM upload_parts WHERE session_id = :id").bind("id", ownerId).execute();
  }
}
