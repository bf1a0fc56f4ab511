package dev.ingest.upload;

import dev.ingest.core.InvalidInputException;

/** Picks a part size: the requested one or 8 MiB, grown in whole MiB so no file needs more than 10,000 parts. */
public final class PartSizer {
  public static final long MIB = 1024 * 1024;
  public static final long DEFAULT_PART_SIZE = 8 * MIB;
  public static final long MIN_PART_SIZE = 5 * MIB;
  public static final long MAX_PART_SIZE = 512 * MIB;
  public static final int MAX_PARTS = 10_000;

  private PartSizer() {}

  public static long choose(long fileSize, long requested) {
    if (requested > 0 && (requested < MIN_PART_SIZE || requested > MAX_PART_SIZE)) {
      throw new InvalidInputException("part size must be between 5MiB and 512MiB");
    }
    long size = requested > 0 ? requested : DEFAULT_PART_SIZE;
    long needed = (fileSize + MAX_PARTS - 1) / MAX_PARTS;
    if (needed > size) {
      size = ((needed + MIB - 1) / MIB) * MIB;
    }
    return size;
  }

  public static int partCount(long fileSize, long partSize) {
    return (int) Math.max(1, (fileSize + partSize - 1) / partSize);
  }
}
