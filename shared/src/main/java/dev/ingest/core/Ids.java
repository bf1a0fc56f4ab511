package dev.ingest.core;

import java.security.SecureRandom;

/**
 * Unguessable, time-sortable ids: a prefix, 10 Crockford base-32 characters of milliseconds, then 16 of
 * randomness (80 bits), as in ULID.
 */
public final class Ids {
  private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  /**
   * The secure generator's bytes, drawn 4 KiB at a time. why: each nextBytes call of the default (native)
   * generator takes a lock and mixes in a SHA-1 round; per id that was most of a bulk enqueue's id cost.
   */
  private static final class Entropy {
    private static final byte[] POOL = new byte[4096];
    private static int used = POOL.length;

    static synchronized void take(byte[] into) {
      if (used + into.length > POOL.length) {
        RANDOM.nextBytes(POOL);
        used = 0;
      }
      System.arraycopy(POOL, used, into, 0, into.length);
      java.util.Arrays.fill(POOL, used, used + into.length, (byte) 0); // why: handed-out bytes are not kept
      used += into.length;
    }
  }

  public static String job() {
    return generate("job_", System.currentTimeMillis());
  }

  public static String file() {
    return generate("file_", System.currentTimeMillis());
  }

  public static String worker() {
    return generate("wrk_", System.currentTimeMillis());
  }

  /** {@code length} characters of the id alphabet, 5 random bits each: secrets such as API key tokens. */
  public static String secret(int length) {
    byte[] random = new byte[length];
    Entropy.take(random);
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = ALPHABET[random[i] & 31];
    }
    java.util.Arrays.fill(random, (byte) 0);
    return new String(out);
  }

  public static String generate(String prefix, long millis) {
    char[] out = new char[26];
    long t = millis;
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (t & 31)];
      t >>>= 5;
    }
    byte[] random = new byte[10];
    Entropy.take(random);
    long hi = 0;
    for (int i = 0; i < 5; i++) {
      hi = (hi << 8) | (random[i] & 0xff);
    }
    long lo = 0;
    for (int i = 5; i < 10; i++) {
      lo = (lo << 8) | (random[i] & 0xff);
    }
    for (int i = 17; i >= 10; i--) {
      out[i] = ALPHABET[(int) (hi & 31)];
      hi >>>= 5;
    }
    for (int i = 25; i >= 18; i--) {
      out[i] = ALPHABET[(int) (lo & 31)];
      lo >>>= 5;
    }
    return prefix + new String(out);
  }
}
