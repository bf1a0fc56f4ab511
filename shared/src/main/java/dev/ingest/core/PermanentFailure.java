package dev.ingest.core;

/** A job failure that no retry can fix: corrupt or unsupported input, a peer that rejects the request. */
public class PermanentFailure extends IngestException {
  private final String type;

  public PermanentFailure(String type, String message) {
    this(type, message, null);
  }

  public PermanentFailure(String type, String message, Throwable cause) {
    super(message, false, cause);
    this.type = type;
  }

  public String type() {
    return type;
  }
}
