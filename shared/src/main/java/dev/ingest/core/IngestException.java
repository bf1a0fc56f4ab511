package dev.ingest.core;

/** Base of every error ingest raises on purpose. Subclasses say what went wrong and whether a retry may help. */
public class IngestException extends RuntimeException {
  private final boolean retryable;

  public IngestException(String message, boolean retryable) {
    this(message, retryable, null);
  }

  public IngestException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
