package dev.ingest.extract;

import java.util.List;

/** Text taken out of a file: the text, its title if any, and where each page starts (PDFs). */
public record Extracted(String text, String title, Integer pages, List<Integer> pageStarts) {
  public static Extracted plain(String text) {
    return new Extracted(text, null, null, List.of());
  }
}
