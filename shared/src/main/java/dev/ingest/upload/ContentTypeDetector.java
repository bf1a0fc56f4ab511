package dev.ingest.upload;

/** Names a file's media type from its first bytes, the file name only as a hint. */
public interface ContentTypeDetector {
  String detect(byte[] head, int length, String fileName);

  ContentTypeDetector UNKNOWN = (head, length, name) -> "application/octet-stream";
}
