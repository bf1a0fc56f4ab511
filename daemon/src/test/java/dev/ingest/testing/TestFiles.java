package dev.ingest.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/** Real documents for tests: PDFs written with PDFBox, HTML pages, text in several encodings. */
public final class TestFiles {
  private TestFiles() {}

  /** A PDF with one page per argument; each page's text is written line by line. */
  public static Path pdf(Path file, String... pages) throws IOException {
    try (PDDocument doc = new PDDocument()) {
      writePages(doc, pages);
      doc.save(file.toFile());
    }
    return file;
  }

  /** A PDF that cannot be opened without its user password. */
  public static Path encryptedPdf(Path file, String text) throws IOException {
    try (PDDocument doc = new PDDocument()) {
      writePages(doc, text);
      StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-secret", "user-secret", new AccessPermission());
      policy.setEncryptionKeyLength(128);
      doc.protect(policy);
      doc.save(file.toFile());
    }
    return file;
  }

  private static void writePages(PDDocument doc, String... pages) throws IOException {
    PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
    for (String text : pages) {
      PDPage page = new PDPage();
      doc.addPage(page);
      try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
        content.beginText();
        content.setFont(font, 11);
        content.setLeading(14);
        content.newLineAtOffset(50, 740);
        for (String line : wrap(text, 90)) {
          content.showText(line);
          content.newLine();
        }
        content.endText();
      }
    }
  }

  private static java.util.List<String> wrap(String text, int width) {
    java.util.List<String> lines = new java.util.ArrayList<>();
    for (String paragraph : text.split("\n")) {
      StringBuilder line = new StringBuilder();
      for (String word : paragraph.split(" ")) {
        if (line.length() + word.length() + 1 > width && line.length() > 0) {
          lines.add(line.toString());
          line.setLength(0);
        }
        if (line.length() > 0) {
          line.append(' ');
        }
        line.append(word);
      }
      lines.add(line.toString());
    }
    return lines;
  }

  public static Path html(Path file, String title, String bodyParagraph) throws IOException {
    String html =
        "<!DOCTYPE html><html><head><title>" + title + "</title>"
            + "<script>window.tracking = 'SCRIPT-NOISE';</script><style>body { color: red }</style></head>"
            + "<body><nav><a href='/'>NAV-NOISE Home</a></nav><main><h1>" + title + "</h1><p>" + bodyParagraph
            + "</p><p>A second paragraph follows.</p></main><footer>FOOTER-NOISE</footer></body></html>";
    return Files.writeString(file, html, StandardCharsets.UTF_8);
  }

  /** Prose of roughly {@code words} words made of numbered sentences, easy to check for completeness. */
  public static String prose(int sentences) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= sentences; i++) {
      sb.append("Sentence number ").append(i).append(" talks about ingestion and queues.");
      sb.append(i % 5 == 0 ? "\n\n" : " ");
    }
    return sb.toString().trim();
  }
}
