package dev.ingest.server;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Test content and its digests. */
final class Bytes {
  private Bytes() {}

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Plain text of {@code n} bytes, which every content sniffer calls text/plain. */
  static byte[] text(int n) {
    byte[] line = "The quick brown fox jumps over the lazy dog.\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = line[i % line.length];
    }
    return b;
  }

  static byte[] range(byte[] b, int from, int to) {
    return java.util.Arrays.copyOfRange(b, from, to);
  }

  static String sha256(byte[] b) {
    return HexFormat.of().formatHex(digest("SHA-256").digest(b));
  }

  static String sha256(InputStream in) throws IOException {
    MessageDigest d = digest("SHA-256");
    byte[] buffer = new byte[1 << 16];
    int n;
    while ((n = in.read(buffer)) > 0) {
      d.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(d.digest());
  }

  static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
