package dev.ingest.core;

/** A state change the job state machine does not allow, such as retrying a completed job. */
public class IllegalTransitionException extends InvalidInputException {
  public IllegalTransitionException(String jobId, JobStatus from, JobStatus to) {
    super("job " + jobId + " is " + from.wireName() + " and cannot become " + to.wireName());
  }

  /** A change the jobs' states do not allow now, said in the caller's words. */
  public IllegalTransitionException(String message) {
    super(message);
  }
}
