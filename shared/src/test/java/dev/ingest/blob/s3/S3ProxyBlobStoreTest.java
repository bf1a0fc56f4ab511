package dev.ingest.blob.s3;

import dev.ingest.testing.S3Servers;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeAll;

/** The blob store contract against S3Proxy with its filesystem backend. */
class S3ProxyBlobStoreTest extends S3ServerBlobStoreContract {
  @BeforeAll
  static void startServer() throws Exception {
    use(S3Servers.s3proxy(Files.createTempDirectory("s3proxy-test")));
  }
}
