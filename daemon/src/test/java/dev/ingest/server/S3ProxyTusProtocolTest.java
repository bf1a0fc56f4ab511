package dev.ingest.server;

import dev.ingest.blob.s3.S3BlobStore;
import dev.ingest.blob.s3.S3Location;
import dev.ingest.testing.S3Servers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** tus on an S3 store: S3Proxy as a process; parts are S3 multipart parts, tails are objects. */
class S3ProxyTusProtocolTest extends TusProtocolTest {
  private static final String BUCKET = "tus-test";
  private static S3Servers.Server server;

  @BeforeAll
  static void startS3() throws Exception {
    server = S3Servers.s3proxy(Files.createTempDirectory("tus-s3"));
    try (var s3 = S3BlobStore.client(new S3Location(BUCKET, "", server.endpoint(), "us-east-1", true), 2,
        StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Servers.ACCESS_KEY, S3Servers.SECRET_KEY)))) {
      s3.createBucket(b -> b.bucket(BUCKET));
    }
    // why: the store takes credentials from the standard AWS chain, as in production.
    System.setProperty("aws.accessKeyId", S3Servers.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", S3Servers.SECRET_KEY);
  }

  @AfterAll
  static void stopS3() {
    server.close();
  }

  @Override
  protected Map<String, String> store(Path dir) {
    // why: a prefix per test keeps tests from seeing each other's uploads in the shared bucket.
    String prefix = dir.toString().replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "");
    return Map.of(
        "store", "s3://" + BUCKET + "/" + prefix,
        "s3.endpoint", server.endpoint().toString(),
        "s3.path-style", "true",
        "s3.region", "us-east-1");
  }
}
