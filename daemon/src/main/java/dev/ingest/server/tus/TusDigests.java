package dev.ingest.server.tus;

import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The running SHA-256 of uploads this process is receiving, by upload and the offset it covers. A request
 * that starts where the digest ends carries it on; one that starts elsewhere (the upload came to this
 * process from another, or after a restart) finds none, and the file is hashed from the store once complete.
 */
final class TusDigests {
  private static final int MAX = 10_000;

  private record Entry(long offset, MessageDigest digest) {}

  private final Map<String, Entry> entries =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
          return size() > MAX;
        }
      };

  /** The digest of the upload's first {@code offset} bytes, if this process has it; it leaves the cache. */
  synchronized MessageDigest take(String id, long offset) {
    Entry e = entries.remove(id);
    return e != null && e.offset() == offset ? e.digest() : null;
  }

  synchronized void put(String id, long offset, MessageDigest digest) {
    entries.put(id, new Entry(offset, digest));
  }

  synchronized void forget(String id) {
    entries.remove(id);
  }
}
