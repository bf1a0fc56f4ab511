package dev.ingest.blob;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.CRC32C;

/** CRC32C in the base64 form S3 uses for {@code x-amz-checksum-crc32c}. */
public final class Checksums {
  private Checksums() {}

  public static String crc32c(byte[] data, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, 0, length);
    return encode(crc);
  }

  /** What {@code crc} has summed, as base64 of its four bytes. */
  public static String encode(CRC32C crc) {
    return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
