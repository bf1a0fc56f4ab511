package dev.ingest.pipeline.steps;

import dev.ingest.core.PermanentFailure;
import dev.ingest.extract.CsvTextExtractor;
import dev.ingest.extract.Extracted;
import dev.ingest.extract.HtmlTextExtractor;
import dev.ingest.extract.JsonTextExtractor;
import dev.ingest.extract.MarkdownTextExtractor;
import dev.ingest.extract.OfficeTextExtractor;
import dev.ingest.extract.PdfTextExtractor;
import dev.ingest.extract.PlainTextExtractor;
import dev.ingest.extract.TextExtractor;
import dev.ingest.extract.TikaContentTypeDetector;
import dev.ingest.pipeline.Document;
import dev.ingest.pipeline.Step;
import dev.ingest.pipeline.StepContext;
import java.util.List;

/** Takes the text out of the file with the extractor for its media type. */
public final class ExtractStep implements Step {
  private static final List<TextExtractor> EXTRACTORS =
      List.of(
          new PdfTextExtractor(),
          new HtmlTextExtractor(),
          new OfficeTextExtractor(),
          new MarkdownTextExtractor(),
          new CsvTextExtractor(),
          new JsonTextExtractor(),
          new PlainTextExtractor());

  @Override
  public String name() {
    return "extract";
  }

  @Override
  public void run(StepContext ctx) throws Exception {
    Document doc = ctx.document();
    String name = ctx.job().file().name();
    if (doc.mimeType() == null) {
      doc.mimeType(new TikaContentTypeDetector().detect(ctx.localFile(), name));
      doc.result().put("type", doc.mimeType());
    }
    String type = doc.mimeType();
    TextExtractor extractor =
        EXTRACTORS.stream()
            .filter(e -> e.supports(type))
            .findFirst()
            .orElseThrow(() -> new PermanentFailure("unsupported_type", name + ": unsupported type " + type));
    Extracted extracted =
        extractor.extract(
            ctx.localFile(),
            name,
            percent -> {
              ctx.checkStopped();
              ctx.progress(percent, null);
            });
    doc.text(extracted.text());
    doc.title(extracted.title());
    doc.pages(extracted.pages());
    doc.pageStarts(extracted.pageStarts());
    doc.recordStarts(extracted.recordStarts());
    if (!extracted.recordStarts().isEmpty()) {
      doc.result().put("records", extracted.recordStarts().size());
    }
    if (extracted.title() != null) {
      doc.result().put("title", extracted.title());
    }
    if (extracted.pages() != null) {
      doc.result().put("pages", extracted.pages());
    }
    doc.result().put("characters", extracted.text().length());
  }
}
