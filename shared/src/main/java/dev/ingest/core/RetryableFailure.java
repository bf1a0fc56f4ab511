package dev.ingest.core;

/** A job failure that a later attempt may not meet: a timeout, a peer that is briefly away. */
public class RetryableFailure extends IngestException {
  private final String type;

  public RetryableFailure(String type, String message) {
    super(message, true);
    this.type = type;
  }

  public String type() {
    return type;
  }
}
