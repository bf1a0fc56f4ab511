package dev.ingest.pipeline;

/**
 * One stage of a pipeline. Steps run in order on one job; each reads and adds to the job's {@link Document}.
 * Throw {@link dev.ingest.core.PermanentFailure} for input no retry can fix; any other exception is retried.
 */
public interface Step {
  /** The name the step is configured and reported under, e.g. {@code extract}. */
  String name();

  void run(StepContext context) throws Exception;
}
