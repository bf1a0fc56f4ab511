package dev.ingest.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ingest.chunk.Chunker;
import dev.ingest.core.PermanentFailure;
import dev.ingest.pipeline.Chunk;
import dev.ingest.testing.TestFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Markdown, CSV, JSON and office documents: detected from their content and their text taken out. */
class FormatsTest {
  private final TikaContentTypeDetector detector = new TikaContentTypeDetector();
  @TempDir Path dir;

  @Test
  void wordDocumentsGiveTheirParagraphsAndTitle() throws Exception {
    Path docx = TestFiles.docx(dir.resolve("report.docx"), "Quarterly Report", "Revenue grew in the north.", "Costs fell in the south.");
    Path renamed = Files.copy(docx, dir.resolve("upload.bin"));
    assertEquals("application/vnd.openxmlformats-officedocument.wordprocessingml.document", detector.detect(renamed, "upload.bin"));
    Extracted e = new OfficeTextExtractor().extract(docx, "report.docx", p -> {});
    assertEquals("Quarterly Report", e.title());
    assertEquals("Revenue grew in the north.\n\nCosts fell in the south.", e.text());
  }

  @Test
  void spreadsheetsGiveEveryCell() throws Exception {
    Path xlsx = TestFiles.xlsx(dir.resolve("t.xlsx"), List.of(List.of("city", "people"), List.of("Lisbon", "545000"), List.of("Porto", "232000")));
    assertEquals("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", detector.detect(xlsx, "t.xlsx"));
    String text = new OfficeTextExtractor().extract(xlsx, "t.xlsx", p -> {}).text();
    for (String cell : List.of("city", "people", "Lisbon", "545000", "Porto", "232000")) {
      assertTrue(text.contains(cell), cell + " missing from " + text);
    }
  }

  @Test
  void presentationsGiveEverySlideAndTheirCount() throws Exception {
    Path pptx = TestFiles.pptx(dir.resolve("deck.pptx"), "Welcome to the launch", "Roadmap for next year");
    assertEquals("application/vnd.openxmlformats-officedocument.presentationml.presentation", detector.detect(pptx, "deck.pptx"));
    Extracted e = new OfficeTextExtractor().extract(pptx, "deck.pptx", p -> {});
    assertTrue(e.text().contains("Welcome to the launch") && e.text().contains("Roadmap for next year"), e.text());
  }

  @Test
  void openDocumentTextIsReadFromItsContent() throws Exception {
    Path odt = TestFiles.odt(dir.resolve("letter.odt"), "Dear reader,", "ODF files are zip archives & XML.");
    assertEquals("application/vnd.oasis.opendocument.text", detector.detect(Files.copy(odt, dir.resolve("x")), "x"));
    String text = new OfficeTextExtractor().extract(odt, "letter.odt", p -> {}).text();
    assertEquals("Dear reader,\n\nODF files are zip archives & XML.", text);
  }

  @Test
  void aBrokenOfficeFileFailsPermanentlyNamingTheFile() throws Exception {
    Path broken = Files.write(dir.resolve("broken.docx"), new byte[] {'P', 'K', 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    PermanentFailure f =
        assertThrows(PermanentFailure.class, () -> new OfficeTextExtractor().extract(broken, "broken.docx", p -> {}));
    assertEquals("corrupt_input", f.type());
    assertTrue(f.getMessage().startsWith("broken.docx:"), f.getMessage());
  }

  @Test
  void aPasswordProtectedOfficeFileFailsPermanently() throws Exception {
    Path locked = TestFiles.encryptedDocx(dir.resolve("locked.docx"), "nobody reads this");
    String type = detector.detect(locked, "locked.docx");
    assertTrue(new OfficeTextExtractor().supports(type), type);
    PermanentFailure f =
        assertThrows(PermanentFailure.class, () -> new OfficeTextExtractor().extract(locked, "locked.docx", p -> {}));
    assertEquals("encrypted_input", f.type());
    assertEquals("locked.docx: the document is password-protected", f.getMessage());
  }

  @Test
  void markdownLosesItsMarkupAndKeepsItsFirstHeadingAsTitle() throws Exception {
    Path md = Files.writeString(dir.resolve("n.md"), "# Release notes\n\nThe **queue** is *faster*.\n\n- one item\n- [a link](https://example.com)\n");
    Extracted e = new MarkdownTextExtractor().extract(md, "n.md", p -> {});
    assertEquals("Release notes", e.title());
    assertTrue(e.text().contains("The queue is faster."), e.text());
    assertTrue(e.text().contains("a link"), e.text());
    assertFalse(e.text().contains("**") || e.text().contains("](") || e.text().contains("# "), e.text());
  }

  @Test
  void csvRowsBecomeRecordsNamingTheirColumnsAndQuotedFieldsStayWhole() throws Exception {
    Path csv =
        Files.writeString(
            dir.resolve("people.csv"),
            "name,city,note\nAda,London,\"wrote, in 1843,\nthe first program\"\nGrace,Arlington,COBOL\n");
    assertEquals("text/csv", detector.detect(csv, "people.csv"));
    Extracted e = new CsvTextExtractor().extract(csv, "people.csv", p -> {});
    assertEquals(2, e.recordStarts().size());
    assertEquals(
        "name: Ada\ncity: London\nnote: wrote, in 1843,\nthe first program\n\nname: Grace\ncity: Arlington\nnote: COBOL",
        e.text());
  }

  @Test
  void tabAndSemicolonSeparatedFilesAreRecognised() throws Exception {
    Path tsv = Files.writeString(dir.resolve("a.tsv"), "k\tv\nx\t1\n");
    assertEquals("k: x\nv: 1", new CsvTextExtractor().extract(tsv, "a.tsv", p -> {}).text());
    Path semi = Files.writeString(dir.resolve("b.csv"), "k;v\ny;\"2;3\"\n");
    assertEquals("k: y\nv: 2;3", new CsvTextExtractor().extract(semi, "b.csv", p -> {}).text());
  }

  @Test
  void jsonArraysAndJsonLinesGiveOneRecordPerElement() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Path array = Files.writeString(dir.resolve("a.json"), "[{\"id\": 1, \"t\": \"one\"},\n {\"id\": 2, \"t\": \"two\"}]");
    assertEquals("application/json", detector.detect(array, "a.json"));
    Extracted e = new JsonTextExtractor().extract(array, "a.json", p -> {});
    assertEquals(List.of("{\"id\":1,\"t\":\"one\"}", "{\"id\":2,\"t\":\"two\"}"), records(e));

    Path lines = Files.writeString(dir.resolve("l.jsonl"), "{\"a\":1}\n\n{\"a\":2}\n{\"a\":3}\n");
    assertEquals(JsonTextExtractor.JSON_LINES, detector.detect(lines, "l.jsonl"));
    Extracted l = new JsonTextExtractor().extract(lines, "l.jsonl", p -> {});
    assertEquals(3, l.recordStarts().size());
    for (String r : records(l)) {
      assertTrue(json.readTree(r).has("a"));
    }

    Path object = Files.writeString(dir.resolve("o.json"), "{\"title\": \"x\", \"tags\": [\"a\", \"b\"]}");
    assertEquals(List.of("{\"title\":\"x\"}", "{\"tags\":[\"a\",\"b\"]}"), records(new JsonTextExtractor().extract(object, "o.json", p -> {})));
  }

  @Test
  void invalidJsonFailsPermanentlySayingWhere() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.json"), "{\"a\": 1,\n \"b\": }");
    PermanentFailure f = assertThrows(PermanentFailure.class, () -> new JsonTextExtractor().extract(bad, "bad.json", p -> {}));
    assertEquals("corrupt_input", f.type());
    assertTrue(f.getMessage().startsWith("bad.json: invalid JSON at line 2"), f.getMessage());
  }

  @Test
  void recordChunksNeverCutARecordAndHoldEachRecordOnce() throws Exception {
    StringBuilder csv = new StringBuilder("id,text\n");
    for (int i = 0; i < 200; i++) {
      csv.append(i).append(",\"record ").append(i).append(" says ").append("word ".repeat(i % 17)).append("\"\n");
    }
    Path file = Files.writeString(dir.resolve("many.csv"), csv, StandardCharsets.UTF_8);
    Extracted e = new CsvTextExtractor().extract(file, "many.csv", p -> {});
    List<Chunk> chunks = new Chunker(300, 40).splitRecords(e.text(), e.recordStarts());
    assertTrue(chunks.size() > 10);
    List<String> seen = new ArrayList<>();
    for (Chunk c : chunks) {
      assertTrue(c.text().length() <= 300);
      assertEquals(e.text().substring(c.start(), c.end()), c.text());
      for (String record : c.text().split("\n\n")) {
        assertTrue(record.startsWith("id: "), "a chunk starts mid-record: " + record);
        seen.add(record);
      }
    }
    assertEquals(String.join("|", records(e)), String.join("|", seen));
  }

  private static List<String> records(Extracted e) {
    List<String> out = new ArrayList<>();
    List<Integer> starts = e.recordStarts();
    for (int i = 0; i < starts.size(); i++) {
      int end = i + 1 < starts.size() ? starts.get(i + 1) : e.text().length();
      out.add(e.text().substring(starts.get(i), end).strip());
    }
    return out;
  }
}
