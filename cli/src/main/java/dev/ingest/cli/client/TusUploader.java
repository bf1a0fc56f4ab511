package dev.ingest.cli.client;

import dev.ingest.core.IngestException;
import dev.ingest.core.InvalidInputException;
import dev.ingest.core.Job;
import dev.ingest.core.UnavailableException;
import dev.ingest.upload.UploadListener;
import dev.ingest.upload.UploadOutcome;
import dev.ingest.upload.Throttle;
import dev.ingest.upload.UploadRequest;
import dev.ingest.upload.UploadService;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/**
 * Uploads a file to {@code ingest serve} over tus. The upload's URL is kept in a small state file before the
 * first byte goes, so after Ctrl-C, {@code kill -9} or a lost connection the same command continues from the
 * offset the server reports. The body streams from the file in one PATCH; a failed request is followed by a
 * HEAD and a PATCH from the server's offset. The file's SHA-256 is taken as it is read and compared with the
 * one the server recorded.
 */
final class TusUploader {
  private static final MediaType OFFSET_STREAM = MediaType.get("application/offset+octet-stream");
  static final int MAX_ATTEMPTS = 12;
  private static final int CHUNK = 256 * 1024;

  private final Http http;
  private final Path stateDir;

  TusUploader(Http http, Path stateDir) {
    this.http = http;
    this.stateDir = stateDir;
  }

  UploadOutcome upload(Path path, UploadRequest request, UploadListener listener, Function<String, Job> jobs) {
    BasicFileAttributes attrs = UploadService.readAttributes(path);
    long size = attrs.size();
    long mtime = attrs.lastModifiedTime().toMillis();
    String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
    listener.fileStarted(path, size);
    Path state = stateFile(path);
    Upload upload = resumable(state, size, mtime);
    boolean resumed = upload != null;
    if (upload == null) {
      upload = create(path, name, size, request);
      saveState(state, upload.url, size, mtime);
    }
    Sender sender = new Sender(path, size, listener, Throttle.perSecond(request.limitRate()));
    long sent = 0;
    int attempt = 0;
    boolean ask = false;
    while (upload.jobId == null) {
      try {
        if (ask) {
          String url = upload.url;
          upload = head(url).orElseThrow(() -> new UnavailableException("the server lost the upload of " + path, false, null));
          ask = false;
          continue;
        }
        sender.hashUpTo(upload.offset);
        long before = upload.offset;
        upload = patch(upload, sender);
        sent += upload.offset - before;
        attempt = 0;
      } catch (Retry retry) {
        if (++attempt >= MAX_ATTEMPTS) {
          throw new UnavailableException("upload of " + path + " failed " + attempt + " times: " + retry.getMessage(), null);
        }
        listener.note("upload of " + name + " interrupted (" + retry.getMessage() + "); continuing");
        sleep(retry.waitMillis > 0 ? retry.waitMillis : Math.min(10_000, 500L << Math.min(attempt, 5)));
        ask = true;
      }
    }
    checkUnchanged(path, size, mtime);
    deleteState(state);
    Job job = jobs.apply(upload.jobId);
    String sha256 = sender.digestIfWhole();
    if (sha256 != null && job.file() != null && !sha256.equals(job.file().sha256())) {
      throw new UnavailableException(
          "the server recorded SHA-256 " + job.file().sha256() + " for " + path + ", which has " + sha256, false, null);
    }
    UploadOutcome outcome = new UploadOutcome(path, job.file(), job, upload.deduplicated, sent, resumed);
    listener.bytesDone(Math.max(0, size - sender.reported));
    listener.fileFinished(outcome);
    return outcome;
  }

  /** What the server says of an upload. */
  private record Upload(String url, long offset, String jobId, boolean deduplicated) {}

  /** A failure worth another attempt after a pause. */
  private static final class Retry extends Exception {
    final long waitMillis;

    Retry(String message, long waitMillis) {
      super(message, null, false, false);
      this.waitMillis = waitMillis;
    }
  }

  private Upload resumable(Path state, long size, long mtime) {
    Properties p = loadState(state);
    if (p == null) {
      return null;
    }
    if (!String.valueOf(size).equals(p.getProperty("size")) || !String.valueOf(mtime).equals(p.getProperty("mtime"))) {
      deleteState(state);
      return null; // the file changed since: a fresh upload
    }
    try {
      Upload upload = head(p.getProperty("url")).orElse(null);
      if (upload == null) {
        deleteState(state);
      }
      return upload;
    } catch (Retry e) {
      throw new UnavailableException("cannot reach the server " + http.redacted() + ": " + e.getMessage(), null);
    }
  }

  private Upload create(Path path, String name, long size, UploadRequest request) {
    Request.Builder post =
        http.request(http.url("v1/tus/").build())
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", Long.toString(size))
            .header("Upload-Metadata", metadata(name, request))
            .post(RequestBody.create(new byte[0]));
    try (Response response = http.send(post.build())) {
      String location = response.header("Location");
      if (location == null) {
        throw new UnavailableException("the server answered the upload of " + path + " without a Location", false, null);
      }
      HttpUrl url = response.request().url().resolve(location);
      return describe(url == null ? location : url.toString(), response, 0);
    }
  }

  private static String metadata(String name, UploadRequest r) {
    StringJoiner m = new StringJoiner(",");
    m.add("filename " + b64(name));
    m.add("pipeline " + b64(r.pipeline()));
    m.add("queue " + b64(r.queue()));
    m.add("priority " + b64(Integer.toString(r.priority())));
    m.add("maxAttempts " + b64(Integer.toString(r.maxAttempts())));
    if (r.dedupeKey() != null) {
      m.add("dedupeKey " + b64(r.dedupeKey()));
    }
    if (r.force()) {
      m.add("force " + b64("true"));
    }
    if (r.timeout() != null) {
      m.add("timeout " + b64(dev.ingest.config.Durations.format(r.timeout())));
    }
    if (!r.options().isEmpty()) {
      StringJoiner lines = new StringJoiner("\n");
      r.options().forEach((k, v) -> lines.add(k + "=" + v));
      m.add("option " + b64(lines.toString()));
    }
    if (!r.meta().isEmpty()) {
      StringJoiner lines = new StringJoiner("\n");
      r.meta().forEach((k, v) -> lines.add(k + "=" + v));
      m.add("meta " + b64(lines.toString()));
    }
    return m.toString();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private java.util.Optional<Upload> head(String url) throws Retry {
    Request head = http.request(HttpUrl.get(url)).header("Tus-Resumable", "1.0.0").head().build();
    try (Response response = http.client.newCall(head).execute()) {
      if (response.code() == 404 || response.code() == 410) {
        return java.util.Optional.empty();
      }
      if (!response.isSuccessful()) {
        throw retryOrFail(response);
      }
      return java.util.Optional.of(describe(url, response, 0));
    } catch (IOException e) {
      throw new Retry(e.getMessage(), 0);
    }
  }

  private Upload patch(Upload upload, Sender sender) throws Retry {
    RequestBody body = sender.from(upload.offset);
    Request patch =
        http.request(HttpUrl.get(upload.url))
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", Long.toString(upload.offset))
            .patch(body)
            .build();
    try (Response response = http.client.newBuilder().readTimeout(java.time.Duration.ofMinutes(5)).build().newCall(patch).execute()) {
      if (!response.isSuccessful()) {
        throw retryOrFail(response);
      }
      return describe(upload.url, response, upload.offset);
    } catch (IOException e) {
      if (e.getCause() instanceof IngestException) {
        throw (IngestException) e.getCause(); // the file could not be read: not the network's fault
      }
      throw new Retry(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), 0);
    }
  }

  /** 409 (offset moved), 423 (another request writes), 429 and 5xx are retried; anything else ends the upload. */
  private Retry retryOrFail(Response response) {
    int code = response.code();
    if (code == 409 || code == 423 || code == 429 || code >= 500) {
      long wait = 0;
      String after = response.header("Retry-After");
      if (after != null && after.matches("\\d{1,4}")) {
        wait = Long.parseLong(after) * 1000;
      }
      return new Retry("HTTP " + code, wait);
    }
    throw http.error(response);
  }

  private static Upload describe(String url, Response response, long fallbackOffset) {
    String offset = response.header("Upload-Offset");
    return new Upload(
        url,
        offset == null ? fallbackOffset : Long.parseLong(offset.trim()),
        response.header("Ingest-Job-Id"),
        "true".equals(response.header("Ingest-Deduplicated")));
  }

  /** Streams the file from an offset; hashes each byte once, in order, and reports progress once per byte. */
  private static final class Sender {
    private final Path path;
    private final long size;
    private final UploadListener listener;
    private final Throttle throttle;
    private final MessageDigest sha = sha256();
    private long hashed;
    long reported;

    Sender(Path path, long size, UploadListener listener, Throttle throttle) {
      this.path = path;
      this.size = size;
      this.listener = listener;
      this.throttle = throttle;
    }

    /** Hashes the bytes before {@code offset} that this run did not send (an upload resumed from earlier). */
    void hashUpTo(long offset) {
      if (offset <= hashed) {
        return;
      }
      try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        in.position(hashed);
        while (hashed < offset) {
          buffer.clear().limit((int) Math.min(buffer.capacity(), offset - hashed));
          int n = in.read(buffer);
          if (n < 0) {
            throw new InvalidInputException(path + " shrank while it was being uploaded; run the upload again");
          }
          sha.update(buffer.array(), 0, n);
          hashed += n;
        }
      } catch (IOException e) {
        throw new InvalidInputException("cannot read " + path + ": " + e.getMessage(), e);
      }
      progress(offset);
    }

    private void progress(long upTo) {
      if (upTo > reported) {
        listener.bytesDone(upTo - reported);
        reported = upTo;
      }
    }

    String digestIfWhole() {
      return hashed == size ? HexFormat.of().formatHex(sha.digest()) : null;
    }

    RequestBody from(long offset) {
      return new RequestBody() {
        @Override
        public MediaType contentType() {
          return OFFSET_STREAM;
        }

        @Override
        public long contentLength() {
          return size - offset;
        }

        @Override
        public boolean isOneShot() {
          return true; // why: a retry asks the server for its offset first
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
          byte[] buffer = new byte[throttle == Throttle.NONE ? CHUNK : Throttle.SLICE];
          long at = offset;
          try (InputStream in = Files.newInputStream(path)) {
            in.skipNBytes(offset);
            while (at < size) {
              int n = in.read(buffer, 0, (int) Math.min(buffer.length, size - at));
              if (n < 0) {
                throw new IOException(new InvalidInputException(path + " shrank while it was being uploaded; run the upload again"));
              }
              if (at + n > hashed) {
                int skip = (int) Math.max(0, hashed - at);
                sha.update(buffer, skip, n - skip);
                hashed = at + n;
              }
              throttle.acquire(n);
              sink.write(buffer, 0, n);
              at += n;
              progress(at);
            }
          }
        }
      };
    }
  }

  private static void checkUnchanged(Path path, long size, long mtime) {
    BasicFileAttributes now = UploadService.readAttributes(path);
    if (now.size() != size || now.lastModifiedTime().toMillis() != mtime) {
      throw new InvalidInputException(path + " changed while it was being uploaded; run the upload again");
    }
  }

  private Path stateFile(Path path) {
    String key = http.redacted() + "\n" + path.toAbsolutePath().normalize();
    return stateDir.resolve(HexFormat.of().formatHex(sha256().digest(key.getBytes(StandardCharsets.UTF_8))) + ".properties");
  }

  private static Properties loadState(Path state) {
    if (!Files.exists(state)) {
      return null;
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(state, StandardCharsets.UTF_8)) {
      p.load(r);
      return p.getProperty("url") == null ? null : p;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  private void saveState(Path state, String url, long size, long mtime) {
    Properties p = new Properties();
    p.setProperty("url", url);
    p.setProperty("size", Long.toString(size));
    p.setProperty("mtime", Long.toString(mtime));
    try {
      Files.createDirectories(stateDir);
      Path tmp = Files.createTempFile(stateDir, "upload", ".tmp");
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        p.store(w, "ingest: an upload in progress; delete to start it over");
      }
      try {
        Files.move(tmp, state, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, state, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UnavailableException("cannot record the upload's state in " + stateDir + ": " + e.getMessage(), false, e);
    }
  }

  private static void deleteState(Path state) {
    try {
      Files.deleteIfExists(state);
    } catch (IOException e) {
      // harmless: a later run finds the upload finished and deletes it then
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("upload interrupted", false, e);
    }
  }
}
