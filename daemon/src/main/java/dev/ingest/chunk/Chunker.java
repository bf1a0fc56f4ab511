package dev.ingest.chunk;

import dev.ingest.pipeline.Chunk;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Splits text into chunks of at most {@code size} characters that overlap by about {@code overlap}. A chunk
 * ends at the last paragraph break in its second half, else the last sentence end, else the last space, so
 * words are never cut (a single word longer than {@code size} is the only exception). Deterministic.
 */
public final class Chunker {
  public static final int DEFAULT_SIZE = 1000;
  public static final int DEFAULT_OVERLAP = 150;

  private final int size;
  private final int overlap;

  public Chunker(int size, int overlap) {
    if (size < 20) {
      throw new IllegalArgumentException("chunk size must be at least 20 characters");
    }
    if (overlap < 0 || overlap >= size / 2) {
      throw new IllegalArgumentException("chunk overlap must be between 0 and half the chunk size");
    }
    this.size = size;
    this.overlap = overlap;
  }

  /** Chunks of {@code text}; {@code pageStarts} (ascending offsets) give each chunk its page, if any. */
  public List<Chunk> split(String text, List<Integer> pageStarts) {
    List<Chunk> chunks = new ArrayList<>();
    int start = skipSpace(text, 0);
    while (start < text.length()) {
      int end = start + size >= text.length() ? text.length() : breakBefore(text, start, start + size);
      int trimmedEnd = end;
      while (trimmedEnd > start && Character.isWhitespace(text.charAt(trimmedEnd - 1))) {
        trimmedEnd--;
      }
      if (trimmedEnd > start) {
        chunks.add(new Chunk(chunks.size(), start, trimmedEnd, page(pageStarts, start), text.substring(start, trimmedEnd)));
      }
      if (end >= text.length()) {
        break;
      }
      start = nextStart(text, start, end);
    }
    return chunks;
  }

  /**
   * Chunks that keep records whole: consecutive records are packed while they fit in {@code size}; a record
   * longer than that is split alone as text. Record chunks do not overlap, so every record appears whole in
   * exactly one chunk unless it is too long for any.
   */
  public List<Chunk> splitRecords(String text, List<Integer> recordStarts) {
    List<Chunk> chunks = new ArrayList<>();
    int n = recordStarts.size();
    int i = 0;
    while (i < n) {
      int start = recordStarts.get(i);
      int end = recordEnd(text, recordStarts, i);
      if (end - start > size) {
        for (Chunk piece : split(text.substring(start, end), List.of())) {
          chunks.add(new Chunk(chunks.size(), start + piece.start(), start + piece.end(), null, piece.text()));
        }
        i++;
        continue;
      }
      while (i + 1 < n && recordEnd(text, recordStarts, i + 1) - start <= size) {
        i++;
        end = recordEnd(text, recordStarts, i);
      }
      chunks.add(new Chunk(chunks.size(), start, end, null, text.substring(start, end)));
      i++;
    }
    return chunks;
  }

  private static int recordEnd(String text, List<Integer> starts, int i) {
    int end = i + 1 < starts.size() ? starts.get(i + 1) : text.length();
    while (end > starts.get(i) && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    return end;
  }

  private int breakBefore(String text, int start, int limit) {
    int floor = start + size / 2;
    int para = text.lastIndexOf("\n\n", limit - 1);
    if (para >= floor) {
      return para + 2;
    }
    for (int i = limit - 1; i >= floor; i--) {
      char c = text.charAt(i);
      if ((c == '.' || c == '!' || c == '?' || c == '\n') && i + 1 < text.length() && Character.isWhitespace(text.charAt(i + 1))) {
        return i + 1;
      }
    }
    if (limit < text.length() && Character.isWhitespace(text.charAt(limit))) {
      return limit;
    }
    for (int i = limit; i > start; i--) {
      if (Character.isWhitespace(text.charAt(i - 1))) {
        return i;
      }
    }
    return limit; // one word longer than a chunk: cut it, nothing else can be done
  }

  private int nextStart(String text, int start, int end) {
    int candidate = Math.max(start + 1, end - overlap);
    if (candidate < end && candidate > 0 && !Character.isWhitespace(text.charAt(candidate - 1))) {
      // why: never start mid-word; move forward to the next word's start.
      while (candidate < end && !Character.isWhitespace(text.charAt(candidate - 1))) {
        candidate++;
      }
    }
    return skipSpace(text, candidate);
  }

  private static int skipSpace(String text, int i) {
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }

  private static Integer page(List<Integer> pageStarts, int offset) {
    if (pageStarts.isEmpty()) {
      return null;
    }
    int idx = Collections.binarySearch(pageStarts, offset);
    return (idx >= 0 ? idx : -idx - 2) + 1;
  }
}
