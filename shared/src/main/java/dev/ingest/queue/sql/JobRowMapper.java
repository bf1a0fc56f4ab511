package dev.ingest.queue.sql;

import dev.ingest.core.Job;
import dev.ingest.core.JobError;
import dev.ingest.core.JobProgress;
import dev.ingest.core.JobStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/** Maps a {@code jobs} row onto {@link Job}. */
final class JobRowMapper implements RowMapper<Job> {
  static final JobRowMapper INSTANCE = new JobRowMapper();

  @Override
  public Job map(ResultSet rs, StatementContext ctx) throws SQLException {
    // why: claims map hundreds of rows at a time; parse each payload once.
    PayloadCodec.Decoded payload = PayloadCodec.decode(rs.getString("payload"));
    String errorMessage = rs.getString("error_message");
    int attempts = rs.getInt("attempts");
    JobError error =
        errorMessage == null
            ? null
            : new JobError(
                attempts, errorMessage, rs.getString("error_type"), rs.getInt("error_retryable") != 0, null);
    return new Job(
        rs.getString("id"),
        rs.getString("queue"),
        rs.getString("pipeline"),
        JobStatus.fromWire(rs.getString("status")),
        rs.getInt("priority"),
        attempts,
        rs.getInt("max_attempts"),
        rs.getString("dedupe_key"),
        new JobProgress(rs.getInt("progress_percent"), rs.getString("progress_stage"), rs.getString("progress_message")),
        payload.file(),
        payload.meta(),
        rs.getString("result"),
        error,
        rs.getInt("cancel_requested") != 0,
        rs.getString("lease_owner"),
        instant(rs, "lease_expires_at"),
        instant(rs, "run_at"),
        instant(rs, "created_at"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        rs.getString("tenant"),
        payload.timeout(),
        payload.options(),
        payload.parent());
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }
}
