package dev.ingest.core;

/** The database or the blob store cannot be reached or refused the request. Usually worth a retry. */
public class UnavailableException extends IngestException {
  public UnavailableException(String message, Throwable cause) {
    super(message, true, cause);
  }

  public UnavailableException(String message, boolean retryable, Throwable cause) {
    super(message, retryable, cause);
  }
}
