package dev.ingest.core;

/** The worker no longer holds the job's lease: another worker reclaimed it, or it was handed back. */
public class LeaseLostException extends IngestException {
  private final String jobId;

  public LeaseLostException(String jobId, int attempt) {
    super("lease on " + jobId + " (attempt " + attempt + ") was lost", false);
    this.jobId = jobId;
  }

  public String jobId() {
    return jobId;
  }
}
