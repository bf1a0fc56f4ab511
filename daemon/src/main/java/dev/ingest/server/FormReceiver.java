package dev.ingest.server;

import dev.ingest.blob.BlobStore;
import dev.ingest.core.FileRef;
import dev.ingest.upload.BufferBudget;
import dev.ingest.upload.ContentTypeDetector;
import dev.ingest.upload.PartSizer;
import dev.ingest.upload.UploadLimits;
import dev.ingest.upload.UploadRequest;
import dev.ingest.upload.UploadService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.io.Content;

/**
 * Reads a {@code multipart/form-data} body with Jetty's streaming parser: each file part goes into the store
 * as its bytes arrive (memory: one part buffer per file being received), fields are collected. At the end the
 * fields are checked and each stored file gets its job; on any error every object stored for the request is
 * removed again.
 */
public final class FormReceiver {
  /** The field names a file may come in: curl's {@code -F file=@…}, Uppy's XHRUpload ({@code files[]} bundled). */
  static final Set<String> FILE_FIELDS = Set.of("file", "files", "files[]");

  static final int MAX_FIELD = 8192;
  static final int MAX_FIELDS = 200;
  static final int MAX_FILES = 100;

  private final Supplier<BlobStore> store;
  private final Supplier<UploadService> uploads;
  private final ContentTypeDetector detector;
  private final UploadLimits limits;
  private final BufferBudget budget;
  private final java.util.concurrent.Executor sender;
  private final ServerMetrics metrics;
  private final UploadFields uploadFields;

  public FormReceiver(
      Supplier<BlobStore> store, Supplier<UploadService> uploads, ContentTypeDetector detector, UploadLimits limits,
      BufferBudget budget, java.util.concurrent.Executor sender, ServerMetrics metrics, UploadFields fields) {
    this.uploadFields = fields;
    this.sender = sender;
    this.store = store;
    this.uploads = uploads;
    this.detector = detector;
    this.limits = limits;
    this.budget = budget;
    this.metrics = metrics;
  }

  /** Receives the form of a request; returns each file's job, in the order the files came. */
  public List<UploadService.Admitted> receive(Exchange ex, String tenant) throws IOException {
    String type = ex.header("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      throw ApiError.unsupportedMediaType("send multipart/form-data with the file in a field named 'file'");
    }
    String boundary = MultiPart.extractBoundary(type);
    if (boundary == null || boundary.isEmpty()) {
      throw ApiError.badRequest("the multipart Content-Type has no boundary");
    }
    long declared = ex.contentLength();
    if (declared > 0 && limits.tooLarge(declared - 64 * 1024)) {
      // why: a body larger than the limit plus room for the fields cannot hold an acceptable file.
      throw ApiError.tooLarge("the upload is larger than the limit of " + limits.maxSize() + " bytes");
    }
    long partSize = PartSizer.choose(declared > 0 ? declared : limits.maxSize(), 0);
    Form form = new Form(partSize);
    MultiPart.Parser parser = new MultiPart.Parser(boundary, form);
    parser.setMaxParts(MAX_FIELDS + MAX_FILES);
    try {
      while (!form.complete) {
        Content.Chunk chunk = Bodies.next(ex.request());
        boolean last = chunk.isLast();
        try {
          parser.parse(onHeap(chunk, last));
        } finally {
          chunk.release();
        }
        if (form.failure != null) {
          throw form.failure;
        }
        if (last && !form.complete) {
          throw ApiError.badRequest("the multipart body ended before its closing boundary");
        }
      }
      UploadRequest request = uploadFields.parse(form.fields);
      List<UploadService.Admitted> admitted = new ArrayList<>();
      for (FileRef file : form.stored) {
        admitted.add(uploads.get().admit(tenant, file, request));
        metrics.uploadFinished("form");
      }
      form.stored.clear();
      return admitted;
    } catch (IOException | RuntimeException e) {
      form.discard();
      throw e;
    }
  }

  /**
   * The chunk's bytes in a heap buffer. why: Jetty reads into direct buffers, over which its multipart parser
   * looks for the boundary a byte at a time through bounds-checked accessors; a profile of 100 KB uploads put
   * 28 % of the server's CPU there. Over an array the same search is a fraction of that, and one copy is cheap.
   */
  private static Content.Chunk onHeap(Content.Chunk chunk, boolean last) {
    java.nio.ByteBuffer bytes = chunk.getByteBuffer();
    if (bytes.hasArray()) {
      return chunk;
    }
    java.nio.ByteBuffer copy = java.nio.ByteBuffer.allocate(bytes.remaining());
    copy.put(bytes.slice()).flip();
    return Content.Chunk.from(copy, last);
  }

  /** The parser's listener: one part at a time, a file into the store, a field into memory. */
  private final class Form implements MultiPart.Parser.Listener {
    final long partSize;
    final Map<String, List<String>> fields = new LinkedHashMap<>();
    final List<FileRef> stored = new ArrayList<>();
    RuntimeException failure;
    boolean complete;
    int fieldCount;
    String name;
    String fileName;
    IncomingFile file;
    ByteArrayOutputStream value;

    Form(long partSize) {
      this.partSize = partSize;
    }

    @Override
    public void onPartBegin() {
      name = null;
      fileName = null;
    }

    @Override
    public void onPartHeader(String header, String headerValue) {
      if (header.equalsIgnoreCase("Content-Disposition")) {
        Map<String, String> params = ContentDisposition.parameters(headerValue);
        name = params.get("name");
        fileName = params.containsKey("filename*") ? params.get("filename*") : params.get("filename");
      }
    }

    @Override
    public void onPartHeaders() {
      guard(() -> {
        if (name == null) {
          throw ApiError.badRequest("a form part has no name");
        }
        if (FILE_FIELDS.contains(name) || fileName != null) {
          if (!FILE_FIELDS.contains(name)) {
            throw ApiError.badRequest("field '" + name + "' holds a file; send files in a field named 'file'");
          }
          if (stored.size() >= MAX_FILES) {
            throw ApiError.badRequest("at most " + MAX_FILES + " files per request");
          }
          // why: fields sent before the file (Uppy sends its metadata first) are checked before any byte is stored.
          uploadFields.parse(fields);
          file = new IncomingFile(store.get(), UploadFields.fileName(fileName), partSize, detector, limits, budget, sender);
        } else {
          if (++fieldCount > MAX_FIELDS) {
            throw ApiError.badRequest("at most " + MAX_FIELDS + " fields per request");
          }
          value = new ByteArrayOutputStream();
        }
      });
    }

    @Override
    public void onPartContent(Content.Chunk chunk) {
      guard(() -> {
        var bytes = chunk.getByteBuffer();
        if (file != null) {
          metrics.uploadBytes(bytes.remaining());
          file.write(bytes);
        } else if (value != null) {
          if (value.size() + bytes.remaining() > MAX_FIELD) {
            throw ApiError.badRequest("field '" + name + "' is longer than " + MAX_FIELD + " bytes");
          }
          byte[] copy = new byte[bytes.remaining()];
          bytes.get(copy);
          value.write(copy, 0, copy.length);
        }
      });
    }

    @Override
    public void onPartEnd() {
      guard(() -> {
        if (file != null) {
          IncomingFile done = file;
          file = null;
          try {
            stored.add(done.finish());
          } catch (RuntimeException e) {
            done.discard(store.get());
            throw e;
          }
        } else if (value != null) {
          if (UploadFields.NAMES.contains(name)) {
            fields.computeIfAbsent(name, k -> new ArrayList<>()).add(value.toString(StandardCharsets.UTF_8));
          }
          value = null;
        }
      });
    }

    @Override
    public void onComplete() {
      complete = true;
    }

    @Override
    public void onFailure(Throwable cause) {
      if (failure == null) {
        failure = ApiError.badRequest("malformed multipart body: " + cause.getMessage());
      }
    }

    private void guard(Runnable step) {
      if (failure != null) {
        return;
      }
      try {
        step.run();
      } catch (RuntimeException e) {
        failure = e;
      }
    }

    void discard() {
      BlobStore s = store.get();
      if (file != null) {
        file.discard(s);
      }
      for (FileRef f : stored) {
        try {
          s.delete(f.blobKey());
        } catch (RuntimeException e) {
          org.slf4j.LoggerFactory.getLogger(FormReceiver.class).warn("could not remove {}: {}", f.blobKey(), e.getMessage());
        }
      }
    }
  }
}
