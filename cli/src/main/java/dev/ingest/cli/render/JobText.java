package dev.ingest.cli.render;

import dev.ingest.config.Sizes;
import dev.ingest.core.Job;
import dev.ingest.core.JobError;
import dev.ingest.upload.UploadOutcome;
import java.util.List;

/** Human-readable lines for jobs and uploads. */
public final class JobText {
  private JobText() {}

  public static String line(Job job) {
    StringBuilder sb = new StringBuilder();
    sb.append(job.id()).append("  ").append(pad(job.status().wireName(), 9));
    sb.append(String.format("  %3d%%", job.progress().percent()));
    if (job.progress().stage() != null && !job.status().isTerminal()) {
      sb.append("  ").append(job.progress().stage());
      if (job.progress().message() != null) {
        sb.append(" (").append(job.progress().message()).append(')');
      }
    }
    sb.append("  attempts ").append(job.attempts()).append('/').append(job.maxAttempts());
    sb.append("  ").append(job.queue()).append('/').append(job.pipeline());
    if (job.file() != null) {
      sb.append("  ").append(job.file().name());
    }
    if (job.cancelRequested() && !job.status().isTerminal()) {
      sb.append("  (cancel requested)");
    }
    if (job.error() != null && job.status() != dev.ingest.core.JobStatus.COMPLETED) {
      sb.append("\n  error: ").append(job.error().message()).append(" [").append(job.error().type()).append(']');
    }
    return sb.toString();
  }

  public static String detail(Job job, List<JobError> errors) {
    StringBuilder sb = new StringBuilder(line(job));
    if (job.parent() != null) {
      sb.append("\n  follow-up of ").append(job.parent());
    }
    if (job.status() == dev.ingest.core.JobStatus.RETRYING && job.runAt() != null) {
      sb.append("\n  next attempt at ").append(job.runAt());
    }
    if (errors.size() > 1 || (errors.size() == 1 && job.error() == null)) {
      for (JobError e : errors) {
        sb.append("\n  attempt ").append(e.attempt()).append(": ").append(e.message()).append(" [").append(e.type()).append(']');
      }
    }
    if (job.resultJson() != null && job.status() == dev.ingest.core.JobStatus.COMPLETED) {
      sb.append("\n  result: ").append(job.resultJson());
    }
    return sb.toString();
  }

  public static String upload(UploadOutcome outcome) {
    StringBuilder sb = new StringBuilder();
    sb.append(outcome.job().id()).append("  ").append(pad(outcome.job().status().wireName(), 9));
    sb.append("  ").append(outcome.path()).append("  ").append(Sizes.human(outcome.file().size()));
    if (outcome.deduplicated()) {
      sb.append("  (existing job)");
    } else if (outcome.bytesSent() == 0 && outcome.file().size() > 0) {
      sb.append("  (content already stored)");
    } else if (outcome.resumed()) {
      sb.append("  (resumed)");
    }
    return sb.toString();
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
