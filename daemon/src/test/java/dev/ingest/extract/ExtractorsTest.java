package dev.ingest.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.core.PermanentFailure;
import dev.ingest.testing.TestFiles;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtractorsTest {
  @TempDir Path dir;

  @Test
  void pdfTextComesOutPageByPage() throws Exception {
    Path pdf = TestFiles.pdf(dir.resolve("two.pdf"), "Alpha page speaks first.", "Beta page speaks second.");
    List<Integer> seen = new java.util.ArrayList<>();
    Extracted e = new PdfTextExtractor().extract(pdf, "two.pdf", seen::add);
    assertEquals(2, e.pages());
    assertTrue(e.text().contains("Alpha page speaks first."));
    assertTrue(e.text().contains("Beta page speaks second."));
    assertEquals(2, e.pageStarts().size());
    assertTrue(e.text().substring(e.pageStarts().get(1)).startsWith("Beta"));
    assertEquals(List.of(50, 100), seen);
  }

  @Test
  void corruptPdfFailsPermanentlyNamingTheFile() throws Exception {
    Path bad = Files.write(dir.resolve("bad.pdf"), "%PDF-1.7 this is not really a pdf".getBytes());
    PermanentFailure f = assertThrows(PermanentFailure.class, () -> new PdfTextExtractor().extract(bad, "bad.pdf", p -> {}));
    assertEquals("corrupt_input", f.type());
    assertTrue(f.getMessage().startsWith("bad.pdf:"));
  }

  @Test
  void passwordProtectedPdfFailsPermanently() throws Exception {
    Path locked = TestFiles.encryptedPdf(dir.resolve("locked.pdf"), "secret words");
    PermanentFailure f = assertThrows(PermanentFailure.class, () -> new PdfTextExtractor().extract(locked, "locked.pdf", p -> {}));
    assertEquals("encrypted_input", f.type());
  }

  @Test
  void htmlKeepsTitleAndProseAndDropsScriptsStylesAndNavigation() throws Exception {
    Path page = TestFiles.html(dir.resolve("p.html"), "The Title", "Body text that matters.");
    Extracted e = new HtmlTextExtractor().extract(page, "p.html", p -> {});
    assertEquals("The Title", e.title());
    assertTrue(e.text().contains("Body text that matters."));
    assertTrue(e.text().contains("\n\nA second paragraph follows."), "paragraphs are kept apart: " + e.text());
    for (String noise : List.of("SCRIPT-NOISE", "NAV-NOISE", "FOOTER-NOISE", "color: red")) {
      assertFalse(e.text().contains(noise), "kept " + noise);
    }
  }

  @Test
  void plainTextIsDecodedFromUtf8OrLegacyEncodings() throws Exception {
    Path utf8 = Files.writeString(dir.resolve("u.txt"), "naïve café — ok");
    assertEquals("naïve café — ok", new PlainTextExtractor().extract(utf8, "u.txt", p -> {}).text());
    Path legacy = Files.write(dir.resolve("l.txt"), "naïve café".getBytes(Charset.forName("windows-1252")));
    assertEquals("naïve café", new PlainTextExtractor().extract(legacy, "l.txt", p -> {}).text());
  }

  @Test
  void binaryDataIsNotTreatedAsText() throws Exception {
    Path bin = Files.write(dir.resolve("b.txt"), new byte[] {'a', 0, 1, 2, 0, 'b'});
    PermanentFailure f = assertThrows(PermanentFailure.class, () -> new PlainTextExtractor().extract(bin, "b.txt", p -> {}));
    assertEquals("unsupported_type", f.type());
  }

  @Test
  void typeIsDetectedFromContentBeforeTheName() throws Exception {
    TikaContentTypeDetector detector = new TikaContentTypeDetector();
    Path pdf = TestFiles.pdf(dir.resolve("no-extension"), "hello");
    assertEquals("application/pdf", detector.detect(pdf, "no-extension"));
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    Path fake = Files.write(dir.resolve("picture.txt"), png);
    assertEquals("image/png", detector.detect(fake, "picture.txt"));
    Path md = Files.writeString(dir.resolve("notes.md"), "# Notes\n\nSome *markdown*.");
    assertEquals("text/markdown", detector.detect(md, "notes.md"));
    Path html = TestFiles.html(dir.resolve("page"), "t", "b");
    assertEquals("text/html", detector.detect(html, "page"));
  }
}
