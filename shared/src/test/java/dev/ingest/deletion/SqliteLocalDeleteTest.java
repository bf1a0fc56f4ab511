package dev.ingest.deletion;

import dev.ingest.blob.BlobStore;
import dev.ingest.blob.local.LocalBlobStore;
import dev.ingest.queue.sql.Database;

/** Deleting on the embedded defaults: a SQLite file and a local folder. */
class SqliteLocalDeleteTest extends DeleteServiceContract {
  @Override
  protected Database openDatabase() {
    return Database.open("sqlite:" + dir.resolve("ingest.db"), 4);
  }

  @Override
  protected BlobStore openStore() {
    return new LocalBlobStore(dir.resolve("blobs"));
  }

  @Override
  protected void failFileRowDeletes() {
    db.withHandle(h -> h.execute("CREATE TRIGGER injected_fault BEFORE DELETE ON files BEGIN SELECT RAISE(ABORT, 'injected fault'); END"));
  }
}
