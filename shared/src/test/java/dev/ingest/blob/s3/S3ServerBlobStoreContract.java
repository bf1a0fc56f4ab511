package dev.ingest.blob.s3;

import dev.ingest.blob.BlobStore;
import dev.ingest.blob.BlobStoreContract;
import dev.ingest.testing.S3Servers;
import org.junit.jupiter.api.AfterAll;

/** The blob store contract against an S3-protocol server that a subclass starts once per class. */
abstract class S3ServerBlobStoreContract extends BlobStoreContract {
  static S3Servers.Server server;
  static S3StoreFixture fixture;

  static void use(S3Servers.Server started) {
    server = started;
    fixture = new S3StoreFixture(started);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected BlobStore createStore() {
    return fixture.freshStore();
  }
}
