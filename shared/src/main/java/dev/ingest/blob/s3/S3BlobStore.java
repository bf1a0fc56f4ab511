package dev.ingest.blob.s3;

import dev.ingest.blob.BlobInfo;
import dev.ingest.blob.BlobKeys;
import dev.ingest.blob.BlobStore;
import dev.ingest.blob.PendingUpload;
import dev.ingest.blob.UploadedPart;
import dev.ingest.core.InvalidInputException;
import dev.ingest.core.NotFoundException;
import dev.ingest.core.UnavailableException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@link BlobStore} on S3 or an S3-compatible server through the AWS SDK v2. Multipart uploads map onto S3's;
 * each part carries its CRC32C, which the server checks. The SDK's newer default checksum headers are only
 * sent when an operation requires them, since several S3-compatible servers reject them.
 */
public final class S3BlobStore implements BlobStore {
  /** Attempts per request: 5xx, 503 SlowDown, throttling, timeouts and resets are retried with backoff. */
  static final int MAX_ATTEMPTS = 8;

  /** How parts prove their integrity to the server. */
  enum Integrity {
    /** {@code x-amz-checksum-crc32c}: cheap, checked by S3 and most modern servers. */
    CRC32C,
    /** {@code Content-MD5}: understood by every S3-compatible server, at more CPU per byte. */
    MD5
  }

  private final S3Client s3;
  private final S3Location location;
  private volatile Integrity integrity;
  private final boolean negotiate;
  /** Whether this store has learnt which checksum headers the server takes (from a CreateMultipartUpload). */
  private volatile boolean negotiated;
  private final boolean payloadSigned;

  public S3BlobStore(S3Client s3, S3Location location) {
    this(s3, location, null);
  }

  /** {@code integrity} null: start with CRC32C and fall back to MD5 if the server rejects checksum headers. */
  S3BlobStore(S3Client s3, S3Location location, Integrity integrity) {
    this.s3 = s3;
    this.location = location;
    this.negotiate = integrity == null;
    // why: the SDK signs the payload (SHA-256, checked by the server) on http:// endpoints only.
    this.payloadSigned = location.endpoint() != null && "http".equalsIgnoreCase(location.endpoint().getScheme());
    this.integrity = integrity == null ? Integrity.CRC32C : integrity;
  }

  /** A store with its own client: credentials from the standard AWS chain, never printed. */
  public static S3BlobStore open(S3Location location, int maxConnections) {
    return open(location, maxConnections, DefaultCredentialsProvider.builder().build());
  }

  /** A store with its own client and the given credentials. */
  public static S3BlobStore open(
      S3Location location, int maxConnections, software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentials) {
    return new S3BlobStore(client(location, maxConnections, credentials), location);
  }

  /** The S3 client ingest uses: retries with backoff, checksums only where required, pooled connections. */
  public static S3Client client(
      S3Location location, int maxConnections, software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentials) {
    return client(location, maxConnections, credentials, retries -> {});
  }

  /** The same client, its retries adjusted (tests: the same attempts without waiting between them). */
  static S3Client client(
      S3Location location,
      int maxConnections,
      software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentials,
      java.util.function.Consumer<software.amazon.awssdk.retries.api.RetryStrategy.Builder<?, ?>> adjustRetries) {
    var builder =
        S3Client.builder()
            .region(Region.of(location.region()))
            .forcePathStyle(location.pathStyle())
            .credentialsProvider(credentials)
            .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
            .httpClientBuilder(
                ApacheHttpClient.builder()
                    .maxConnections(Math.max(8, maxConnections))
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofSeconds(60)))
            .overrideConfiguration(
                o -> o.retryStrategy(b -> adjustRetries.accept(b.maxAttempts(MAX_ATTEMPTS)))
                    .apiCallAttemptTimeout(Duration.ofMinutes(2)));
    if (location.endpoint() != null) {
      builder.endpointOverride(location.endpoint());
    }
    try {
      return builder.build();
    } catch (SdkException e) {
      throw new UnavailableException("cannot set up the S3 client for " + location + ": " + e.getMessage(), false, e);
    }
  }

  private String key(String key) {
    return location.prefix() + BlobKeys.requireSafe(key);
  }

  @Override
  public String createMultipart(String key, long partSize) {
    String uploadId =
        negotiated(
            key,
            () -> s3.createMultipartUpload(
                    b -> {
                      b.bucket(location.bucket()).key(key(key));
                      if (integrity == Integrity.CRC32C) {
                        b.checksumAlgorithm(ChecksumAlgorithm.CRC32_C);
                      }
                    })
                .uploadId());
    // why: only once the server has answered; set before, it let a batch's other threads send their first
    // objects with the header the server was about to refuse, and a refused 1 MiB body is a broken pipe that
    // every retry repeats (seen as "Broken pipe (SDK Attempt Count: 8)" on S3Proxy).
    negotiated = true;
    return uploadId;
  }

  /**
   * Runs a call that may carry checksum headers; when the server answers that it does not implement them
   * (S3Proxy, older MinIO, some gateways), switches this store to Content-MD5 for good and runs it again.
   */
  private <T> T negotiated(String key, Supplier<T> body) {
    Integrity tried = integrity;
    try {
      return call(key, body);
    } catch (UnavailableException e) {
      // why: parts go up in parallel; every one refused under CRC32C is sent again, not just the first.
      if (negotiate && tried == Integrity.CRC32C && rejectsChecksums(e.getCause())) {
        integrity = Integrity.MD5;
        return call(key, body);
      }
      throw e;
    }
  }

  /**
   * Learns which checksum headers the server takes before a part or an object is sent with them. why: a
   * server that does not take them may answer 501 to a CreateMultipartUpload, but break the connection of an
   * UploadPart or a PutObject whose body carries one (S3Proxy does), which looks like a network failure and is
   * retried to exhaustion. A process that continues an upload another process began (a tus upload on a
   * second server) sends parts before it ever creates an upload, so it asks with a probe upload first.
   */
  private void negotiateFirst() {
    if (!negotiate || negotiated) {
      return;
    }
    synchronized (this) {
      if (!negotiated) {
        String probe = "health/checksum-probe";
        abortMultipart(probe, createMultipart(probe, 5 * 1024 * 1024));
      }
    }
  }

  private static boolean rejectsChecksums(Throwable e) {
    if (!(e instanceof S3Exception)) {
      return false;
    }
    S3Exception s3e = (S3Exception) e;
    String code = s3e.awsErrorDetails() == null ? "" : String.valueOf(s3e.awsErrorDetails().errorCode());
    return s3e.statusCode() == 501 || code.equals("NotImplemented") || code.equals("InvalidArgument");
  }

  @Override
  public UploadedPart uploadPart(String key, String uploadId, int partNumber, byte[] data, int length, String checksum) {
    negotiateFirst();
    String etag =
        negotiated(
            key,
            () -> s3.uploadPart(
                    b -> {
                      b.bucket(location.bucket())
                          .key(key(key))
                          .uploadId(uploadId)
                          .partNumber(partNumber)
                          .contentLength((long) length);
                      if (integrity == Integrity.MD5) {
                        String md5 = verifiedMd5(key, partNumber, data, length, checksum, payloadSigned);
                        if (md5 != null) {
                          b.contentMD5(md5);
                        }
                      } else {
                        b.checksumAlgorithm(ChecksumAlgorithm.CRC32_C).checksumCRC32C(checksum);
                      }
                    },
                    // why: a provider re-reads the caller's buffer on every retry, without copying it.
                    RequestBody.fromContentProvider(
                        () -> new ByteArrayInputStream(data, 0, length), length, "application/octet-stream"))
                .eTag());
    return new UploadedPart(partNumber, etag, checksum, length);
  }

  @Override
  public List<UploadedPart> listParts(String key, String uploadId) {
    List<UploadedPart> parts = new ArrayList<>();
    Integer marker = null;
    while (true) {
      Integer from = marker;
      ListPartsResponse page =
          call(
              key,
              () -> s3.listParts(
                  b -> {
                    b.bucket(location.bucket()).key(key(key)).uploadId(uploadId).maxParts(1000);
                    if (from != null) {
                      b.partNumberMarker(from);
                    }
                  }));
      for (Part p : page.parts()) {
        parts.add(new UploadedPart(p.partNumber(), p.eTag(), p.checksumCRC32C(), p.size() == null ? -1 : p.size()));
      }
      if (!Boolean.TRUE.equals(page.isTruncated()) || page.nextPartNumberMarker() == null) {
        if (parts.isEmpty() && !uploadExists(key, uploadId)) {
          // why: some servers (S3Proxy) answer an empty list, not NoSuchUpload, for a finished upload.
          throw new NotFoundException("no upload for " + key + " in " + location + " (completed or aborted)");
        }
        return parts;
      }
      marker = page.nextPartNumberMarker();
    }
  }

  private boolean uploadExists(String key, String uploadId) {
    return call(
            key,
            () -> s3.listMultipartUploads(b -> b.bucket(location.bucket()).prefix(key(key))))
        .uploads()
        .stream()
        .anyMatch(u -> u.uploadId().equals(uploadId) && u.key().equals(key(key)));
  }

  @Override
  public void completeMultipart(String key, String uploadId, List<UploadedPart> parts) {
    List<CompletedPart> completed = new ArrayList<>(parts.size());
    for (UploadedPart p : parts) {
      CompletedPart.Builder part = CompletedPart.builder().partNumber(p.number()).eTag(p.etag());
      if (integrity == Integrity.CRC32C) {
        part.checksumCRC32C(p.checksum());
      }
      completed.add(part.build());
    }
    try {
      call(
          key,
          () -> s3.completeMultipartUpload(
              b -> b.bucket(location.bucket())
                  .key(key(key))
                  .uploadId(uploadId)
                  .multipartUpload(m -> m.parts(completed))));
    } catch (NotFoundException e) {
      // why: a Complete whose answer was lost (a 500 or a reset after the server finished) is retried, and the
      // retry finds no upload: the object it made is there. Only an object of the parts' total size counts.
      long expected = parts.stream().mapToLong(UploadedPart::size).sum();
      boolean sizesKnown = parts.stream().allMatch(p -> p.size() >= 0);
      Optional<BlobInfo> object = stat(key);
      if (sizesKnown && object.isPresent() && object.get().size() == expected) {
        return;
      }
      throw e;
    }
  }

  @Override
  public void abortMultipart(String key, String uploadId) {
    try {
      call(key, () -> s3.abortMultipartUpload(b -> b.bucket(location.bucket()).key(key(key)).uploadId(uploadId)));
    } catch (NotFoundException e) {
      // already gone
    }
  }

  @Override
  public List<PendingUpload> listPendingUploads() {
    List<PendingUpload> out = new ArrayList<>();
    String keyMarker = null;
    String idMarker = null;
    while (true) {
      String k = keyMarker;
      String i = idMarker;
      ListMultipartUploadsResponse page =
          call(
              location.prefix(),
              () -> s3.listMultipartUploads(
                  b -> {
                    b.bucket(location.bucket()).prefix(location.prefix());
                    if (k != null) {
                      b.keyMarker(k).uploadIdMarker(i);
                    }
                  }));
      page.uploads()
          .forEach(u -> out.add(new PendingUpload(u.key().substring(location.prefix().length()), u.uploadId(), u.initiated())));
      if (!Boolean.TRUE.equals(page.isTruncated())) {
        return out;
      }
      keyMarker = page.nextKeyMarker();
      idMarker = page.nextUploadIdMarker();
    }
  }

  @Override
  public void put(String key, byte[] data, int length) {
    negotiateFirst();
    String checksum = dev.ingest.blob.Checksums.crc32c(data, length);
    negotiated(
        key,
        () -> s3.putObject(
            b -> {
              b.bucket(location.bucket()).key(key(key)).contentLength((long) length);
              if (integrity == Integrity.MD5) {
                if (!payloadSigned) { // why: over plain HTTP the signed SHA-256 of the body is checked already
                  b.contentMD5(md5(data, length));
                }
              } else {
                b.checksumAlgorithm(ChecksumAlgorithm.CRC32_C).checksumCRC32C(checksum);
              }
            },
            RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length), length, "application/octet-stream")));
  }

  @Override
  public InputStream get(String key) {
    // why: the object is streamed, never held whole in memory.
    ResponseInputStream<GetObjectResponse> first = call(key, () -> s3.getObject(b -> b.bucket(location.bucket()).key(key(key))));
    String etag = first.response().eTag();
    Long length = first.response().contentLength();
    if (length == null) {
      return first;
    }
    // why: a connection reset mid-body is resumed from where it broke, of the same version (If-Match), rather
    // than failing the job's attempt after most of a large object was read.
    return new ResumingObjectStream(
        first,
        length,
        offset -> call(key, () -> s3.getObject(b -> {
          b.bucket(location.bucket()).key(key(key)).range("bytes=" + offset + "-");
          if (etag != null) {
            b.ifMatch(etag);
          }
        })),
        MAX_ATTEMPTS);
  }

  @Override
  public Optional<BlobInfo> stat(String key) {
    try {
      HeadObjectResponse head = call(key, () -> s3.headObject(b -> b.bucket(location.bucket()).key(key(key))));
      return Optional.of(new BlobInfo(key, head.contentLength(), head.lastModified()));
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public void list(String prefix, java.util.function.Consumer<BlobInfo> each) {
    String full = location.prefix() + prefix;
    call(prefix, () -> {
      for (var page : s3.listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(full))) {
        for (var o : page.contents()) {
          each.accept(new BlobInfo(o.key().substring(location.prefix().length()), o.size(), o.lastModified()));
        }
      }
      return null;
    });
  }

  @Override
  public void delete(String key) {
    call(key, () -> s3.deleteObject(b -> b.bucket(location.bucket()).key(key(key))));
  }

  /**
   * The part's Content-MD5, after checking the buffer still matches the CRC32C taken when it was read; null
   * over plain HTTP, where the SDK signs the payload's SHA-256 and the server already checks that.
   */
  private static String verifiedMd5(
      String key, int partNumber, byte[] data, int length, String checksum, boolean payloadSigned) {
    if (checksum != null && !checksum.equals(dev.ingest.blob.Checksums.crc32c(data, length))) {
      throw new InvalidInputException("part " + partNumber + " of " + key + " is corrupted (CRC32C mismatch)");
    }
    return payloadSigned ? null : md5(data, length);
  }

  private static String md5(byte[] data, int length) {
    try {
      java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
      md5.update(data, 0, length);
      return java.util.Base64.getEncoder().encodeToString(md5.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String describe() {
    return location.toString();
  }

  @Override
  public void close() {
    s3.close();
  }

  /** Runs one S3 call, translating the SDK's errors into ingest's at this edge ({@link S3Errors}). */
  private <T> T call(String key, Supplier<T> body) {
    try {
      return body.get();
    } catch (SdkException e) {
      throw S3Errors.translate(e, key, location);
    }
  }
}
