package dev.ingest.extract;

import dev.ingest.core.PermanentFailure;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * CSV and TSV through Commons CSV. The first row names the columns; each later row becomes one record,
 * {@code column: value} per line, so a chunk of rows still says what each value is. Quoted fields with
 * commas or line breaks stay whole.
 */
public final class CsvTextExtractor implements TextExtractor {
  @Override
  public boolean supports(String mimeType) {
    return "text/csv".equals(mimeType) || "text/tab-separated-values".equals(mimeType);
  }

  @Override
  public Extracted extract(Path file, String name, IntConsumer percent) throws IOException {
    String content = PlainTextExtractor.decode(Files.readAllBytes(file), name);
    CSVFormat format =
        CSVFormat.RFC4180.builder()
            .setDelimiter(delimiter(content))
            .setIgnoreSurroundingSpaces(true)
            .setIgnoreEmptyLines(true)
            .get();
    List<String> records = new ArrayList<>();
    try (CSVParser parser = CSVParser.parse(new StringReader(content), format)) {
      List<String> header = null;
      for (CSVRecord row : parser) {
        if (header == null) {
          header = row.toList();
          continue;
        }
        records.add(render(header, row));
      }
    } catch (UncheckedIOException | IllegalStateException e) {
      throw new PermanentFailure("corrupt_input", name + ": not valid CSV (" + e.getMessage() + ")", e);
    }
    percent.accept(100);
    return Extracted.records(records);
  }

  private static String render(List<String> header, CSVRecord row) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < row.size(); i++) {
      String value = row.get(i).strip();
      if (value.isEmpty()) {
        continue;
      }
      String column = i < header.size() && !header.get(i).isBlank() ? header.get(i) : "column " + (i + 1);
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(column).append(": ").append(value);
    }
    return out.toString();
  }

  /** Tab, semicolon or comma: whichever the first line has most of (outside quotes). */
  static char delimiter(String content) {
    int tabs = 0;
    int semicolons = 0;
    int commas = 0;
    boolean quoted = false;
    for (int i = 0; i < content.length(); i++) {
      char c = content.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && (c == '\n' || c == '\r')) {
        break;
      } else if (!quoted && c == '\t') {
        tabs++;
      } else if (!quoted && c == ';') {
        semicolons++;
      } else if (!quoted && c == ',') {
        commas++;
      }
    }
    if (tabs > commas && tabs >= semicolons) {
      return '\t';
    }
    return semicolons > commas ? ';' : ',';
  }
}
