package dev.ingest.blob.s3;

import dev.ingest.testing.S3Servers;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/** A bucket on a test S3 server, and stores each under a prefix of their own. */
final class S3StoreFixture {
  static final String BUCKET = "ingest-test";
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  private final S3Servers.Server server;
  private final S3Client client;

  S3StoreFixture(S3Servers.Server server) {
    this.server = server;
    this.client = S3BlobStore.client(location(""), 16, credentials());
    try {
      client.createBucket(b -> b.bucket(BUCKET));
    } catch (BucketAlreadyOwnedByYouException e) {
      // made at start-up
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      if (e.statusCode() != 409) {
        throw e;
      }
    }
  }

  static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Servers.ACCESS_KEY, S3Servers.SECRET_KEY));
  }

  S3Location location(String prefix) {
    return new S3Location(BUCKET, prefix, server.endpoint(), "us-east-1", true);
  }

  S3BlobStore freshStore() {
    return new S3BlobStore(client, location("t" + PREFIXES.incrementAndGet() + "/"));
  }

  S3Client client() {
    return client;
  }
}
