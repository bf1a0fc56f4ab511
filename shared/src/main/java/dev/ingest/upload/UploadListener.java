package dev.ingest.upload;

import java.nio.file.Path;

/** Hears how uploads advance, for progress bars. Bytes count once the store acknowledged them. */
public interface UploadListener {
  default void fileStarted(Path path, long size) {}

  default void bytesDone(long bytes) {}

  default void fileFinished(UploadOutcome outcome) {}

  /** Something the user should know, such as a restart because the file changed. */
  default void note(String message) {}

  UploadListener NONE = new UploadListener() {};
}
