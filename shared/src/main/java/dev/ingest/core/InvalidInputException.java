package dev.ingest.core;

/** Input the user can fix: a missing file, a bad value, a request the job's state does not allow. */
public class InvalidInputException extends IngestException {
  public InvalidInputException(String message) {
    super(message, false);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, false, cause);
  }
}
