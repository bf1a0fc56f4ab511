package dev.ingest.server.tus;

import dev.ingest.auth.Scope;
import dev.ingest.server.ApiError;
import dev.ingest.server.Exchange;
import dev.ingest.server.Router;
import dev.ingest.server.Router.Access;
import dev.ingest.server.UploadFields;
import dev.ingest.tus.TusUpload;
import dev.ingest.upload.UploadRequest;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * tus 1.0 at {@code /v1/tus/}: the core protocol with the creation, creation-with-upload, termination,
 * expiration and checksum (sha1, sha256) extensions. Routes read and check headers, then call
 * {@link TusService}. Every answer but OPTIONS carries {@code Tus-Resumable}; a finished upload's answers
 * carry {@code Ingest-Job-Id}.
 */
public final class TusRoutes {
  public static final String VERSION = "1.0.0";
  public static final String EXTENSIONS = "creation,creation-with-upload,termination,expiration,checksum";
  public static final String CHECKSUMS = "sha1,sha256";
  static final String OFFSET_STREAM = "application/offset+octet-stream";
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  private final TusService tus;
  private final UploadFields uploadFields;

  public TusRoutes(TusService tus, UploadFields uploadFields) {
    this.tus = tus;
    this.uploadFields = uploadFields;
  }

  public void register(Router router) {
    router.add("OPTIONS", "/v1/tus", Access.PUBLIC, this::options);
    router.add("POST", "/v1/tus", Access.KEY, this::create);
    router.add("HEAD", "/v1/tus/{id}", Access.KEY, this::head);
    router.add("PATCH", "/v1/tus/{id}", Access.KEY, this::patch);
    router.add("DELETE", "/v1/tus/{id}", Access.KEY, this::terminate);
  }

  private void options(Exchange ex) {
    ex.responseHeader("Tus-Resumable", VERSION);
    ex.responseHeader("Tus-Version", VERSION);
    ex.responseHeader("Tus-Extension", EXTENSIONS);
    ex.responseHeader("Tus-Checksum-Algorithm", CHECKSUMS);
    if (tus.limits().maxSize() > 0) {
      ex.responseHeader("Tus-Max-Size", Long.toString(tus.limits().maxSize()));
    }
    ex.empty(204);
  }

  /** Checks {@code Tus-Resumable} (412 with the versions this server speaks) and the scope. */
  private void begin(Exchange ex) {
    ex.responseHeader("Tus-Resumable", VERSION);
    String version = ex.header("Tus-Resumable");
    if (!VERSION.equals(version)) {
      throw new ApiError(412, "precondition_failed",
              version == null ? "the Tus-Resumable header is missing" : "tus version " + version + " is not supported")
          .header("Tus-Version", VERSION);
    }
    ex.principal().require(Scope.UPLOAD);
  }

  private void create(Exchange ex) throws Exception {
    begin(ex);
    if (ex.header("Upload-Defer-Length") != null) {
      throw ApiError.badRequest("Upload-Defer-Length is not supported: send Upload-Length");
    }
    if (ex.header("Upload-Concat") != null) {
      throw ApiError.badRequest("Upload-Concat is not supported");
    }
    long length = longHeader(ex, "Upload-Length");
    String metadataHeader = ex.header("Upload-Metadata");
    Map<String, String> metadata = TusMetadata.parse(metadataHeader);
    UploadRequest request = uploadFields.parse(fields(metadata));
    String name = metadata.containsKey("filename") ? metadata.get("filename") : metadata.get("name");
    boolean withBody = ex.contentLength() > 0 || ex.header("Transfer-Encoding") != null;
    if (withBody) {
      requireOffsetStream(ex);
    }
    TusUpload upload = tus.create(ex.principal().tenant(), length, metadataHeader, UploadFields.fileName(name), request);
    tus.started(upload);
    ex.responseHeader("Location", ex.baseUrl() + "/v1/tus/" + upload.id());
    TusUpload now = upload;
    long offset = 0;
    if (withBody) {
      TusService.Written written =
          tus.write(ex.principal().tenant(), upload.id(), 0, TusService.Checksum.parse(ex.header("Upload-Checksum")),
              ex.contentLength(), ex.request());
      now = written.upload();
      offset = written.offset();
    } else if (length == 0) {
      now = tus.completeEmpty(upload);
    }
    describe(ex, now, offset);
    ex.empty(201);
  }

  private void head(Exchange ex) {
    begin(ex);
    TusUpload upload = tus.find(ex.principal().tenant(), ex.param("id"));
    ex.responseHeader("Cache-Control", "no-store");
    ex.responseHeader("Upload-Length", Long.toString(upload.length()));
    if (upload.metadata() != null && !upload.metadata().isBlank()) {
      ex.responseHeader("Upload-Metadata", upload.metadata());
    }
    describe(ex, upload, upload.offset());
    ex.empty(200);
  }

  private void patch(Exchange ex) throws Exception {
    begin(ex);
    requireOffsetStream(ex);
    long offset = longHeader(ex, "Upload-Offset");
    TusService.Checksum checksum = TusService.Checksum.parse(ex.header("Upload-Checksum"));
    TusService.Written written =
        tus.write(ex.principal().tenant(), ex.param("id"), offset, checksum, ex.contentLength(), ex.request());
    describe(ex, written.upload(), written.offset());
    ex.empty(204);
  }

  private void terminate(Exchange ex) {
    begin(ex);
    tus.terminate(ex.principal().tenant(), ex.param("id"));
    ex.empty(204);
  }

  private static void describe(Exchange ex, TusUpload upload, long offset) {
    ex.responseHeader("Upload-Offset", Long.toString(offset));
    if (upload.finished()) {
      ex.responseHeader("Ingest-Job-Id", upload.jobId());
      ex.responseHeader("Ingest-File-Id", upload.fileId());
      ex.responseHeader("Ingest-Deduplicated", Boolean.toString(upload.deduplicated()));
    } else {
      ex.responseHeader("Upload-Expires", HTTP_DATE.format(upload.expiresAt()));
    }
  }

  private static void requireOffsetStream(Exchange ex) {
    String type = ex.header("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(OFFSET_STREAM)) {
      throw ApiError.unsupportedMediaType("tus bodies must be sent as " + OFFSET_STREAM);
    }
  }

  private static long longHeader(Exchange ex, String name) {
    String value = ex.header(name);
    if (value == null) {
      throw ApiError.badRequest("the " + name + " header is missing");
    }
    try {
      long n = Long.parseLong(value.trim());
      if (n < 0) {
        throw ApiError.badRequest(name + " must not be negative, got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiError.badRequest(name + " must be a whole number of bytes, got '" + value + "'");
    }
  }

  /**
   * The job fields of the metadata: {@code pipeline}, …, {@code meta} and {@code option} (key=value lines),
   * {@code meta.KEY} and {@code option.KEY}.
   */
  static Map<String, List<String>> fields(Map<String, String> metadata) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    metadata.forEach((k, v) -> {
      if (k.startsWith("meta.") && k.length() > 5) {
        out.computeIfAbsent("meta", x -> new ArrayList<>()).add(k.substring(5) + "=" + v);
      } else if (k.startsWith("option.") && k.length() > 7) {
        out.computeIfAbsent("option", x -> new ArrayList<>()).add(k.substring(7) + "=" + v);
      } else if (UploadFields.NAMES.contains(k)) {
        out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
      }
    });
    return out;
  }
}
