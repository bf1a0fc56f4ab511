package dev.ingest.upload;

import java.nio.file.Path;

/** Hears how uploads advance, for progress bars. Bytes count once the store acknowledged them. */
public interface UploadListener {
  default void fileStarted(Path path, long size) {}

  default void bytesDone(long bytes) {}

  default void fileFinished(UploadOutcome outcome) {}

  /** A file of a batch could not be uploaded; the batch goes on with the others. */
  default void fileFailed(Path path, RuntimeException error) {}

  /** Something the user should know, such as a restart because the file changed. */
  default void note(String message) {}

  UploadListener NONE = new UploadListener() {};
}
