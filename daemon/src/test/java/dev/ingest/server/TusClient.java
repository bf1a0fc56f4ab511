package dev.ingest.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** Plain tus requests as a test sends them: every header spelled out, nothing retried. */
final class TusClient {
  static final MediaType OFFSET_STREAM = MediaType.get("application/offset+octet-stream");

  private final ServerHarness h;
  private final String token;

  TusClient(ServerHarness h, String token) {
    this.h = h;
    this.token = token;
  }

  static String meta(String... pairs) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(pairs[i]).append(' ').append(Base64.getEncoder().encodeToString(pairs[i + 1].getBytes(StandardCharsets.UTF_8)));
    }
    return sb.toString();
  }

  Request.Builder base(String url) {
    Request.Builder b = new Request.Builder().url(url).header("Tus-Resumable", "1.0.0");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  Response create(long length, String metadata) throws IOException {
    Request.Builder b = base(h.url("/v1/tus/")).header("Upload-Length", Long.toString(length)).post(RequestBody.create(new byte[0]));
    if (metadata != null) {
      b.header("Upload-Metadata", metadata);
    }
    return h.http.newCall(b.build()).execute();
  }

  /** Creates an upload and returns its URL. */
  String location(long length, String metadata) throws IOException {
    try (Response r = create(length, metadata)) {
      if (r.code() != 201) {
        throw new AssertionError("creation answered " + r.code() + ": " + r.body().string());
      }
      return r.header("Location");
    }
  }

  Response patch(String url, long offset, byte[] body) throws IOException {
    return h.http.newCall(base(url).header("Upload-Offset", Long.toString(offset)).patch(RequestBody.create(body, OFFSET_STREAM)).build()).execute();
  }

  Response patch(String url, long offset, byte[] body, String header, String value) throws IOException {
    return h.http.newCall(
            base(url).header("Upload-Offset", Long.toString(offset)).header(header, value).patch(RequestBody.create(body, OFFSET_STREAM)).build())
        .execute();
  }

  Response head(String url) throws IOException {
    return h.http.newCall(base(url).head().build()).execute();
  }

  Response delete(String url) throws IOException {
    return h.http.newCall(base(url).delete().build()).execute();
  }

  long offset(String url) throws IOException {
    try (Response r = head(url)) {
      if (r.code() != 200) {
        throw new AssertionError("HEAD answered " + r.code());
      }
      return Long.parseLong(r.header("Upload-Offset"));
    }
  }
}
