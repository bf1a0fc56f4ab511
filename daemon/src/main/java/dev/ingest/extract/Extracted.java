package dev.ingest.extract;

import java.util.List;

/**
 * Text taken out of a file: the text, its title if any, where each page starts (PDFs), and where each
 * record starts (CSV rows, JSON elements) so chunking can keep records whole.
 */
public record Extracted(String text, String title, Integer pages, List<Integer> pageStarts, List<Integer> recordStarts) {
  public Extracted {
    pageStarts = List.copyOf(pageStarts);
    recordStarts = List.copyOf(recordStarts);
  }

  public Extracted(String text, String title, Integer pages, List<Integer> pageStarts) {
    this(text, title, pages, pageStarts, List.of());
  }

  public static Extracted plain(String text) {
    return new Extracted(text, null, null, List.of());
  }

  /** Records joined by blank lines, each one's start offset kept. */
  public static Extracted records(List<String> records) {
    StringBuilder text = new StringBuilder();
    List<Integer> starts = new java.util.ArrayList<>(records.size());
    for (String r : records) {
      if (text.length() > 0) {
        text.append("\n\n");
      }
      starts.add(text.length());
      text.append(r);
    }
    return new Extracted(text.toString(), null, null, List.of(), starts);
  }
}
