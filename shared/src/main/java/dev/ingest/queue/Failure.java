package dev.ingest.queue;

/** Why an attempt failed. A non-retryable failure ends the job at once. */
public record Failure(String message, String type, boolean retryable) {
  public static Failure retryable(String type, String message) {
    return new Failure(message, type, true);
  }

  public static Failure permanent(String type, String message) {
    return new Failure(message, type, false);
  }
}
