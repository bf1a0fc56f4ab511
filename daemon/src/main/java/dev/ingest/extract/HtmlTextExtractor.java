package dev.ingest.extract;

import dev.ingest.core.PermanentFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.IntConsumer;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/** HTML text through jsoup: scripts, styles and page furniture dropped, blocks kept as paragraphs. */
public final class HtmlTextExtractor implements TextExtractor {
  private static final String NOISE =
      "script, style, noscript, template, svg, nav, header, footer, aside, form, iframe, button, "
          + "[role=navigation], [aria-hidden=true]";
  private static final Set<String> BLOCKS =
      Set.of(
          "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr",
          "table", "blockquote", "pre", "dd", "dt", "dl", "figure", "figcaption", "hr", "address", "body");

  @Override
  public boolean supports(String mimeType) {
    return "text/html".equals(mimeType) || "application/xhtml+xml".equals(mimeType);
  }

  @Override
  public Extracted extract(Path file, String name, IntConsumer percent) {
    Document doc;
    try {
      doc = Jsoup.parse(file.toFile(), null);
    } catch (IOException e) {
      throw new PermanentFailure("corrupt_input", name + ": unreadable HTML (" + e.getMessage() + ")", e);
    }
    doc.select(NOISE).remove();
    String title = doc.title().isBlank() ? null : doc.title().strip();
    StringBuilder out = new StringBuilder();
    NodeTraversor.traverse(
        new NodeVisitor() {
          @Override
          public void head(Node node, int depth) {
            if (node instanceof TextNode) {
              String t = ((TextNode) node).text();
              if (!t.isBlank()) {
                if (out.length() > 0 && !Character.isWhitespace(out.charAt(out.length() - 1))) {
                  out.append(' ');
                }
                out.append(t.strip());
              }
            } else if (node instanceof Element && ((Element) node).normalName().equals("br")) {
              out.append('\n');
            }
          }

          @Override
          public void tail(Node node, int depth) {
            if (node instanceof Element && BLOCKS.contains(((Element) node).normalName())) {
              trimEnd(out);
              if (out.length() > 0) {
                out.append("\n\n");
              }
            }
          }
        },
        doc.body() == null ? doc : doc.body());
    percent.accept(100);
    return new Extracted(out.toString().strip(), title, null, java.util.List.of());
  }

  private static void trimEnd(StringBuilder sb) {
    int end = sb.length();
    while (end > 0 && sb.charAt(end - 1) == ' ') {
      end--;
    }
    sb.setLength(end);
    while (sb.length() >= 3 && sb.substring(sb.length() - 3).equals("\n\n\n")) {
      sb.setLength(sb.length() - 1);
    }
  }
}
