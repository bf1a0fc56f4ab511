package dev.ingest.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.config.IngestConfig;
import dev.ingest.config.IngestRuntime;
import dev.ingest.core.InvalidInputException;
import dev.ingest.queue.JobFilter;
import dev.ingest.upload.UploadListener;
import dev.ingest.upload.UploadRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A batch on the real local client (SQLite, local store): one file that vanishes fails alone. */
@Timeout(120)
class BatchUploadTest {
  @TempDir Path dir;

  @Test
  void aFileThatVanishesMidBatchFailsAloneAndTheOthersAreStoredInOrder() throws Exception {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      files.add(Files.writeString(dir.resolve(String.format("f%02d.txt", i)), "file number " + i));
    }
    Path vanishing = files.get(5);
    IngestConfig config =
        IngestConfig.of(Map.of("db", "sqlite:" + dir.resolve("ingest.db"), "store", "file:" + dir.resolve("blobs")));
    // why: deleted as its upload starts, as a CI workspace cleaned up under a running import
    UploadListener deleteAtStart =
        new UploadListener() {
          @Override
          public void fileStarted(Path path, long size) {
            if (path.equals(vanishing)) {
              try {
                Files.delete(path);
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            }
          }
        };
    List<Path> heard = new ArrayList<>();
    try (LocalClient client = new LocalClient(() -> IngestRuntime.open(config, 8))) {
      List<BatchUpload.Result> results =
          new BatchUpload(client, UploadRequest.defaults(), 4, 64L << 20).run(files, deleteAtStart, r -> heard.add(r.path()));

      assertEquals(files, heard, "results handed on in the order given");
      for (BatchUpload.Result r : results) {
        if (r.path().equals(vanishing)) {
          assertTrue(r.error() instanceof InvalidInputException, String.valueOf(r.error()));
          assertFalse(r.skipped());
        } else {
          assertFalse(r.failed(), r.path() + ": " + r.error());
        }
      }
      IngestRuntime runtime = IngestRuntime.open(config, 2);
      try {
        assertEquals(11, runtime.queue().list(new JobFilter(null, null, 100)).size(), "the other eleven were enqueued");
      } finally {
        runtime.close();
      }
    }
  }

  @Test
  void filesWaitingForMemoryWhenTheStoreGoesDownAreNotStarted() throws Exception {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      files.add(Files.write(dir.resolve("w" + i + ".bin"), new byte[8192]));
    }
    Path blobs = dir.resolve("blobs");
    IngestConfig config = IngestConfig.of(Map.of("db", "sqlite:" + dir.resolve("ingest.db"), "store", "file:" + blobs));
    // why: the first file to start breaks the store (its objects folder becomes a file), as a disk that goes away
    java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean();
    UploadListener breakOnFirst =
        new UploadListener() {
          @Override
          public void fileStarted(Path path, long size) {
            if (broken.compareAndSet(false, true)) {
              try {
                Files.createDirectories(blobs);
                Files.writeString(blobs.resolve("objects"), "not a folder");
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            }
          }
        };
    try (LocalClient client = new LocalClient(() -> IngestRuntime.open(config, 8))) {
      // a budget of one file: four threads, but the files take turns
      List<BatchUpload.Result> results =
          new BatchUpload(client, UploadRequest.defaults(), 4, 8192).run(files, breakOnFirst, r -> {});

      List<BatchUpload.Result> tried = results.stream().filter(r -> !r.skipped()).toList();
      assertEquals(1, tried.size(), "only the file that met the store down was tried: " + results);
      assertTrue(tried.get(0).error() instanceof dev.ingest.core.UnavailableException, String.valueOf(tried.get(0).error()));
      assertTrue(tried.get(0).error().getMessage().endsWith(": Not a directory"), "says what is wrong, not only a path: "
          + tried.get(0).error().getMessage());
      assertTrue(results.stream().allMatch(BatchUpload.Result::failed));
    }
  }
}
