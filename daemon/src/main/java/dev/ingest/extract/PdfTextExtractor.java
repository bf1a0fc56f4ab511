package dev.ingest.extract;

import dev.ingest.core.PermanentFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;

/** PDF text through PDFBox, page by page, so chunks can say which page they come from. */
public final class PdfTextExtractor implements TextExtractor {
  @Override
  public boolean supports(String mimeType) {
    return "application/pdf".equals(mimeType);
  }

  @Override
  public Extracted extract(Path file, String name, IntConsumer percent) {
    try (PDDocument doc = Loader.loadPDF(file.toFile())) {
      if (doc.isEncrypted() && !doc.getCurrentAccessPermission().canExtractContent()) {
        throw new PermanentFailure("encrypted_input", name + ": the PDF is encrypted and forbids text extraction");
      }
      int pages = doc.getNumberOfPages();
      PDFTextStripper stripper = new PDFTextStripper();
      stripper.setSortByPosition(true);
      StringBuilder text = new StringBuilder();
      List<Integer> starts = new ArrayList<>(pages);
      for (int page = 1; page <= pages; page++) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException();
        }
        stripper.setStartPage(page);
        stripper.setEndPage(page);
        if (text.length() > 0 && text.charAt(text.length() - 1) != '\n') {
          text.append("\n\n");
        }
        starts.add(text.length());
        text.append(stripper.getText(doc).strip());
        percent.accept(page * 100 / Math.max(1, pages));
      }
      String title = doc.getDocumentInformation() == null ? null : doc.getDocumentInformation().getTitle();
      return new Extracted(text.toString(), title, pages, starts);
    } catch (InvalidPasswordException e) {
      throw new PermanentFailure("encrypted_input", name + ": the PDF is password-protected", e);
    } catch (IOException e) {
      throw new PermanentFailure("corrupt_input", name + ": not a readable PDF (" + e.getMessage() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new dev.ingest.pipeline.JobStoppedException(dev.ingest.pipeline.JobStoppedException.Reason.SHUTDOWN);
    }
  }
}
