package dev.ingest.core;

/** A job, file or object that does not exist. */
public class NotFoundException extends IngestException {
  public NotFoundException(String message) {
    super(message, false);
  }
}
