package dev.ingest.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ingest.testing.TestFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upload's name-first detection: the content's answer for well-named files, the content's where names lie. */
class NameFirstDetectionTest {
  private final TikaContentTypeDetector content = new TikaContentTypeDetector();
  private final TikaContentTypeDetector nameFirst = TikaContentTypeDetector.nameFirst();
  @TempDir Path dir;

  @Test
  void wellNamedFilesGetWhatTheirContentGives() throws Exception {
    Map<String, byte[]> files =
        Map.of(
            "report.pdf", Files.readAllBytes(TestFiles.pdf(dir.resolve("a.pdf"), "Page one")),
            "letter.docx", Files.readAllBytes(TestFiles.docx(dir.resolve("a.docx"), "Title", "Body")),
            "page.html", Files.readAllBytes(TestFiles.html(dir.resolve("a.html"), "Title", "Body")),
            "notes.txt", bytes(TestFiles.prose(20)),
            "table.csv", bytes("city,people\nLisbon,545000\n"),
            "data.json", bytes("{\"a\": [1, 2, 3]}\n"),
            "events.jsonl", bytes("{\"a\": 1}\n{\"a\": 2}\n"),
            "readme.md", bytes("# Title\n\nSome *text*.\n"),
            "photo.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'});
    for (var e : files.entrySet()) {
      byte[] head = e.getValue();
      assertEquals(content.detect(head, head.length, e.getKey()), nameFirst.detect(head, head.length, e.getKey()), e.getKey());
    }
  }

  @Test
  void theContentDecidesWhereTheNameSaysNothingOrDisagreesAboutText() {
    byte[] text = bytes("module example.com/hello\n\ngo 1.22\n");
    // to Tika's names, go.mod is a tracker module (audio); the bytes are text
    assertEquals("audio/x-mod", nameFirst.byName("go.mod"));
    assertEquals("text/plain", nameFirst.detect(text, text.length, "go.mod"));
    assertEquals("text/plain", nameFirst.detect(text, text.length, "README"));
    byte[] pdf = bytes("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n");
    pdf[10] = 0; // a control byte: not text, so a .txt name is not believed
    assertEquals(content.detect(pdf, pdf.length, "x"), nameFirst.detect(pdf, pdf.length, "notes.txt"));
    assertEquals("application/pdf", nameFirst.detect(pdf, pdf.length, "notes.txt"));
  }

  @Test
  void aNameIsBelievedOverContentOfTheSameKind() {
    // what this mode gives up, on purpose: a text file named .csv is recorded as CSV; the worker's detect step
    // still reads its content
    byte[] html = bytes("<!DOCTYPE html><html><head><title>t</title></head><body>hi</body></html>\n");
    assertEquals("text/html", content.detect(html, html.length, "table.csv"));
    assertEquals("text/csv", nameFirst.detect(html, html.length, "table.csv"));
    assertEquals("text/plain", nameFirst.byName("notes.txt"));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
