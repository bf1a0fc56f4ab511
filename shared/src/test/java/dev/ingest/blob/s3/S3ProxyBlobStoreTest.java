package dev.ingest.blob.s3;

import dev.ingest.blob.BlobStore;
import dev.ingest.blob.BlobStoreContract;
import dev.ingest.testing.S3Servers;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The blob store contract against S3Proxy with its filesystem backend. */
class S3ProxyBlobStoreTest extends BlobStoreContract {
  private static S3Servers.Server server;
  private static S3StoreFixture fixture;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3Servers.s3proxy(Files.createTempDirectory("s3proxy-test"));
    fixture = new S3StoreFixture(server);
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
