package dev.ingest.extract;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntConsumer;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.text.TextContentRenderer;

/** Markdown through commonmark-java: markup dropped, paragraphs and list items kept, first heading as title. */
public final class MarkdownTextExtractor implements TextExtractor {
  private static final Parser PARSER = Parser.builder().build();
  private static final TextContentRenderer RENDERER = TextContentRenderer.builder().build();

  @Override
  public boolean supports(String mimeType) {
    return "text/markdown".equals(mimeType) || "text/x-markdown".equals(mimeType);
  }

  @Override
  public Extracted extract(Path file, String name, IntConsumer percent) throws IOException {
    Node document = PARSER.parse(PlainTextExtractor.decode(Files.readAllBytes(file), name));
    String text = RENDERER.render(document).strip();
    percent.accept(100);
    return new Extracted(text, firstHeading(document), null, List.of());
  }

  private static String firstHeading(Node document) {
    String[] title = {null};
    document.accept(
        new AbstractVisitor() {
          @Override
          public void visit(Heading heading) {
            if (title[0] == null) {
              title[0] = RENDERER.render(heading).strip();
            }
          }
        });
    return title[0] == null || title[0].isEmpty() ? null : title[0];
  }
}
