package dev.ingest.blob.s3;

import dev.ingest.blob.BlobStore;
import dev.ingest.deletion.DeleteServiceContract;
import dev.ingest.queue.sql.Database;
import dev.ingest.testing.EmbeddedPg;
import dev.ingest.testing.S3Servers;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Deleting when distributed: PostgreSQL and an S3 server (S3Proxy). */
class PostgresS3DeleteTest extends DeleteServiceContract {
  private static S3Servers.Server server;
  private static S3StoreFixture fixture;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3Servers.s3proxy(Files.createTempDirectory("s3proxy-delete"));
    fixture = new S3StoreFixture(server);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected Database openDatabase() {
    return Database.open(EmbeddedPg.freshDatabase(), 8);
  }

  @Override
  protected BlobStore openStore() {
    return fixture.freshStore();
  }

  @Override
  protected void failFileRowDeletes() {
    db.withHandle(h -> {
      h.execute("CREATE FUNCTION injected_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$");
      return h.execute("CREATE TRIGGER injected_fault BEFORE DELETE ON files FOR EACH ROW EXECUTE FUNCTION injected_fault()");
    });
  }
}
