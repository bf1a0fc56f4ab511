package dev.ingest.extract;

import dev.ingest.core.PermanentFailure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntConsumer;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.TikaException;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.Office;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.CompositeParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.parser.microsoft.OfficeParser;
import org.apache.tika.parser.microsoft.ooxml.OOXMLParser;
import org.apache.tika.parser.odf.OpenDocumentParser;
import org.apache.tika.sax.BodyContentHandler;
import org.xml.sax.SAXException;

/**
 * Office documents through Apache Tika's parsers (Apache POI inside): DOCX, XLSX, PPTX, legacy DOC/XLS/PPT,
 * and OpenDocument (ODT, ODS, ODP). Only these parsers are used, not Tika's auto-detection of everything.
 */
public final class OfficeTextExtractor implements TextExtractor {
  /** What Tika calls an OOXML file wrapped in Office's password encryption. */
  static final String PROTECTED_OOXML = "application/x-tika-ooxml-protected";

  private static final class Holder {
    static final Parser PARSER =
        new CompositeParser(
            org.apache.tika.mime.MediaTypeRegistry.getDefaultRegistry(),
            new OOXMLParser(),
            new OfficeParser(),
            new OpenDocumentParser());
  }

  @Override
  public boolean supports(String mimeType) {
    return mimeType.startsWith("application/vnd.openxmlformats-officedocument.")
        || mimeType.startsWith("application/vnd.oasis.opendocument.")
        || mimeType.startsWith("application/vnd.ms-word")
        || mimeType.startsWith("application/vnd.ms-excel")
        || mimeType.startsWith("application/vnd.ms-powerpoint")
        || mimeType.equals("application/msword")
        || mimeType.equals(PROTECTED_OOXML);
  }

  @Override
  public Extracted extract(Path file, String name, IntConsumer percent) throws IOException {
    Metadata metadata = new Metadata();
    metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, name);
    // why: the composite parser picks its parser by this type; without it nothing is parsed.
    String type = new TikaContentTypeDetector().detect(file, name);
    if (type.equals(PROTECTED_OOXML)) {
      throw new PermanentFailure("encrypted_input", name + ": the document is password-protected");
    }
    metadata.set(Metadata.CONTENT_TYPE, type);
    BodyContentHandler handler = new BodyContentHandler(-1);
    try (InputStream in = TikaInputStream.get(file)) {
      Holder.PARSER.parse(in, handler, metadata, new ParseContext());
    } catch (EncryptedDocumentException e) {
      throw new PermanentFailure("encrypted_input", name + ": the document is password-protected", e);
    } catch (TikaException | SAXException | org.apache.poi.UnsupportedFileFormatException e) {
      throw new PermanentFailure("corrupt_input", name + ": unreadable document (" + rootMessage(e) + ")", e);
    }
    percent.accept(100);
    String text = tidy(handler.toString());
    String title = metadata.get(TikaCoreProperties.TITLE);
    Integer pages = metadata.getInt(Office.PAGE_COUNT);
    if (pages == null) {
      pages = metadata.getInt(Office.SLIDE_COUNT);
    }
    return new Extracted(text, title == null || title.isBlank() ? null : title.strip(), pages, List.of());
  }

  /** Tika writes a line per paragraph (and per spreadsheet row); make each a paragraph the chunker sees. */
  private static String tidy(String raw) {
    return raw.replace("\r\n", "\n").replaceAll("[ \\t\\u00a0]+\\n", "\n").replaceAll("\\n+", "\n\n").strip();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
