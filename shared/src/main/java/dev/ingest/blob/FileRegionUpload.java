package dev.ingest.blob;

import java.nio.file.Path;

/**
 * A store that can take a part straight from a region of a local file, letting the kernel copy the bytes
 * (on Linux, sendfile/copy_file_range) instead of passing them through the JVM. The caller has read and
 * checksummed the same region; it checks afterwards that the file did not change meanwhile.
 */
public interface FileRegionUpload {
  UploadedPart uploadPartFromFile(
      String key, String uploadId, int partNumber, Path source, long offset, int length, String checksum);
}
