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

  /** A Word document: a title property, then one paragraph per argument. */
  public static Path docx(Path file, String title, String... paragraphs) throws IOException {
    try (org.apache.poi.xwpf.usermodel.XWPFDocument doc = new org.apache.poi.xwpf.usermodel.XWPFDocument();
        java.io.OutputStream out = Files.newOutputStream(file)) {
      doc.getProperties().getCoreProperties().setTitle(title);
      for (String p : paragraphs) {
        doc.createParagraph().createRun().setText(p);
      }
      doc.write(out);
    }
    return file;
  }

  /** A Word document that only opens with its password (Office's agile encryption, as Word writes it). */
  public static Path encryptedDocx(Path file, String text) throws Exception {
    Path plain = docx(Files.createTempFile("plain", ".docx"), "secret", text);
    org.apache.poi.poifs.crypt.EncryptionInfo info =
        new org.apache.poi.poifs.crypt.EncryptionInfo(org.apache.poi.poifs.crypt.EncryptionMode.agile);
    org.apache.poi.poifs.crypt.Encryptor encryptor = info.getEncryptor();
    encryptor.confirmPassword("open sesame");
    try (org.apache.poi.poifs.filesystem.POIFSFileSystem fs = new org.apache.poi.poifs.filesystem.POIFSFileSystem()) {
      try (java.io.OutputStream os = encryptor.getDataStream(fs)) {
        Files.copy(plain, os);
      }
      try (java.io.OutputStream out = Files.newOutputStream(file)) {
        fs.writeFilesystem(out);
      }
    } finally {
      Files.deleteIfExists(plain);
    }
    return file;
  }

  /** An Excel workbook with one sheet holding these rows. */
  public static Path xlsx(Path file, java.util.List<java.util.List<String>> rows) throws IOException {
    try (org.apache.poi.xssf.usermodel.XSSFWorkbook book = new org.apache.poi.xssf.usermodel.XSSFWorkbook();
        java.io.OutputStream out = Files.newOutputStream(file)) {
      org.apache.poi.ss.usermodel.Sheet sheet = book.createSheet("Data");
      for (int r = 0; r < rows.size(); r++) {
        org.apache.poi.ss.usermodel.Row row = sheet.createRow(r);
        for (int c = 0; c < rows.get(r).size(); c++) {
          row.createCell(c).setCellValue(rows.get(r).get(c));
        }
      }
      book.write(out);
    }
    return file;
  }

  /** A PowerPoint deck with one text box per slide. */
  public static Path pptx(Path file, String... slides) throws IOException {
    try (org.apache.poi.xslf.usermodel.XMLSlideShow show = new org.apache.poi.xslf.usermodel.XMLSlideShow();
        java.io.OutputStream out = Files.newOutputStream(file)) {
      for (String text : slides) {
        org.apache.poi.xslf.usermodel.XSLFTextBox box = show.createSlide().createTextBox();
        box.setAnchor(new java.awt.Rectangle(50, 50, 600, 300));
        box.setText(text);
      }
      show.write(out);
    }
    return file;
  }

  /** An OpenDocument text file (the zip layout of ODF 1.2: stored mimetype first, manifest, content). */
  public static Path odt(Path file, String... paragraphs) throws IOException {
    StringBuilder body = new StringBuilder();
    for (String p : paragraphs) {
      body.append("<text:p>").append(p.replace("&", "&amp;").replace("<", "&lt;")).append("</text:p>");
    }
    String content =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content"
            + " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
            + " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">"
            + "<office:body><office:text>" + body + "</office:text></office:body></office:document-content>";
    String manifest =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest"
            + " xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">"
            + "<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>"
            + "<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>"
            + "</manifest:manifest>";
    byte[] mimetype = "application/vnd.oasis.opendocument.text".getBytes(StandardCharsets.US_ASCII);
    try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
      java.util.zip.ZipEntry first = new java.util.zip.ZipEntry("mimetype");
      first.setMethod(java.util.zip.ZipEntry.STORED);
      first.setSize(mimetype.length);
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(mimetype);
      first.setCrc(crc.getValue());
      zip.putNextEntry(first);
      zip.write(mimetype);
      zip.closeEntry();
      zip.putNextEntry(new java.util.zip.ZipEntry("META-INF/manifest.xml"));
      zip.write(manifest.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
      zip.putNextEntry(new java.util.zip.ZipEntry("content.xml"));
      zip.write(content.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return file;
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
