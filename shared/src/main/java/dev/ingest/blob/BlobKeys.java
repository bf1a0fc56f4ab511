package dev.ingest.blob;

import java.util.regex.Pattern;

/** The only keys a store accepts: ingest-made paths of safe characters, no {@code ..}, never absolute. */
public final class BlobKeys {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*");

  private BlobKeys() {}

  public static String requireSafe(String key) {
    if (key == null || !SAFE.matcher(key).matches() || key.contains("..")) {
      throw new IllegalArgumentException("unsafe blob key: " + key);
    }
    return key;
  }

  /** The folder of uploaded files' objects, each named by its file id. */
  public static final String OBJECTS = "objects/";

  public static String object(String fileId) {
    return requireSafe(OBJECTS + fileId);
  }

  public static String result(String jobId, String name) {
    return requireSafe("results/" + jobId + "/" + name);
  }
}
