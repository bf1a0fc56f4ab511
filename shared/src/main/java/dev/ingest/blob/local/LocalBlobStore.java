package dev.ingest.blob.local;

import dev.ingest.blob.BlobInfo;
import dev.ingest.blob.BlobKeys;
import dev.ingest.blob.BlobStore;
import dev.ingest.blob.Checksums;
import dev.ingest.blob.PendingUpload;
import dev.ingest.blob.UploadedPart;
import dev.ingest.core.Ids;
import dev.ingest.core.InvalidInputException;
import dev.ingest.core.NotFoundException;
import dev.ingest.core.UnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@link BlobStore} in a local folder. Parts are files in a staging folder per upload, each written under a
 * temporary name and renamed into place; completion concatenates them into a temporary file in the same
 * file system and renames it onto the key, so no reader ever sees half an object.
 */
public final class LocalBlobStore implements BlobStore {
  private static final String STAGING = ".staging";
  private static final String KEY_FILE = "key";

  private final Path root;
  private final Path staging;

  public LocalBlobStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.staging = this.root.resolve(STAGING);
    try {
      Files.createDirectories(staging);
    } catch (IOException e) {
      throw new UnavailableException("cannot create the blob folder " + this.root + ": " + e.getMessage(), false, e);
    }
  }

  @Override
  public String createMultipart(String key) {
    BlobKeys.requireSafe(key);
    String uploadId = Ids.generate("up_", System.currentTimeMillis());
    Path dir = staging.resolve(uploadId);
    io(() -> {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(KEY_FILE), key, StandardCharsets.UTF_8);
      return null;
    });
    return uploadId;
  }

  @Override
  public UploadedPart uploadPart(String key, String uploadId, int partNumber, byte[] data, int length, String checksum) {
    Path dir = uploadDir(key, uploadId);
    String actual = Checksums.crc32c(data, length);
    if (checksum != null && !checksum.equals(actual)) {
      throw new InvalidInputException("part " + partNumber + " of " + key + " arrived corrupted (CRC32C mismatch)");
    }
    Path tmp = dir.resolve(String.format("%05d.%s.tmp", partNumber, Ids.generate("", 0).substring(10)));
    Path part = dir.resolve(partName(partNumber, actual));
    io(() -> {
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(data, 0, length);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
      }
      for (Path old : partFiles(dir, partNumber)) {
        Files.deleteIfExists(old);
      }
      move(tmp, part);
      return null;
    });
    return new UploadedPart(partNumber, actual, actual, length);
  }

  @Override
  public List<UploadedPart> listParts(String key, String uploadId) {
    Path dir = uploadDir(key, uploadId);
    return io(() -> {
      List<UploadedPart> parts = new ArrayList<>();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.part")) {
        for (Path file : files) {
          parts.add(parsePart(file));
        }
      }
      parts.sort(Comparator.comparingInt(UploadedPart::number));
      return parts;
    });
  }

  @Override
  public void completeMultipart(String key, String uploadId, List<UploadedPart> parts) {
    Path dir = uploadDir(key, uploadId);
    Path target = objectPath(key);
    Path assembled = dir.resolve("assembled.tmp");
    io(() -> {
      Files.createDirectories(target.getParent());
      try (FileChannel out =
          FileChannel.open(assembled, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        int expected = 1;
        for (UploadedPart part : parts) {
          if (part.number() != expected++) {
            throw new InvalidInputException("parts of " + key + " are not numbered 1.." + parts.size());
          }
          Path file = dir.resolve(partName(part.number(), part.etag()));
          if (!Files.exists(file)) {
            throw new InvalidInputException("part " + part.number() + " of " + key + " is missing or differs");
          }
          try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            long done = 0;
            while (done < size) {
              done += in.transferTo(done, size - done, out);
            }
          }
        }
        out.force(false);
      }
      move(assembled, target);
      deleteTree(dir);
      return null;
    });
  }

  @Override
  public void abortMultipart(String key, String uploadId) {
    Path dir = staging.resolve(BlobKeys.requireSafe(uploadId));
    io(() -> {
      deleteTree(dir);
      return null;
    });
  }

  @Override
  public List<PendingUpload> listPendingUploads() {
    return io(() -> {
      List<PendingUpload> pending = new ArrayList<>();
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(staging)) {
        for (Path dir : dirs) {
          Path keyFile = dir.resolve(KEY_FILE);
          if (Files.isDirectory(dir) && Files.exists(keyFile)) {
            pending.add(
                new PendingUpload(
                    Files.readString(keyFile).trim(),
                    dir.getFileName().toString(),
                    Files.getLastModifiedTime(keyFile).toInstant()));
          }
        }
      }
      return pending;
    });
  }

  @Override
  public void put(String key, byte[] data, int length) {
    Path target = objectPath(key);
    Path tmp = staging.resolve(Ids.generate("put_", System.currentTimeMillis()) + ".tmp");
    io(() -> {
      Files.createDirectories(target.getParent());
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW)) {
        out.write(data, 0, length);
      }
      move(tmp, target);
      return null;
    });
  }

  @Override
  public InputStream get(String key) {
    Path path = objectPath(key);
    try {
      return Files.newInputStream(path);
    } catch (NoSuchFileException e) {
      throw new NotFoundException("no object " + key + " in " + describe());
    } catch (IOException e) {
      throw new UnavailableException("cannot read " + key + " from " + describe() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<BlobInfo> stat(String key) {
    Path path = objectPath(key);
    try {
      BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
      return Optional.of(new BlobInfo(key, attrs.size(), attrs.lastModifiedTime().toInstant()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UnavailableException("cannot stat " + key + " in " + describe() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(String key) {
    Path path = objectPath(key);
    io(() -> Files.deleteIfExists(path));
  }

  @Override
  public String describe() {
    return "file:" + root;
  }

  private Path objectPath(String key) {
    return root.resolve(BlobKeys.requireSafe(key));
  }

  private Path uploadDir(String key, String uploadId) {
    Path dir = staging.resolve(BlobKeys.requireSafe(uploadId));
    Path keyFile = dir.resolve(KEY_FILE);
    try {
      String owner = Files.readString(keyFile).trim();
      if (!owner.equals(key)) {
        throw new NotFoundException("upload " + uploadId + " belongs to another object");
      }
      return dir;
    } catch (NoSuchFileException e) {
      throw new NotFoundException("no upload " + uploadId + " for " + key + " (completed or aborted)");
    } catch (IOException e) {
      throw new UnavailableException("cannot read upload " + uploadId + ": " + e.getMessage(), e);
    }
  }

  private static String partName(int number, String checksum) {
    // why: base64 may hold '/' and '+'; make it file-name safe.
    return String.format("%05d-%s.part", number, checksum.replace('/', '_').replace('+', '-').replace("=", ""));
  }

  private static UploadedPart parsePart(Path file) throws IOException {
    String name = file.getFileName().toString();
    int number = Integer.parseInt(name.substring(0, 5));
    String safe = name.substring(6, name.length() - ".part".length());
    String checksum = safe.replace('_', '/').replace('-', '+') + "==";
    return new UploadedPart(number, checksum, checksum, Files.size(file));
  }

  private static List<Path> partFiles(Path dir, int number) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, String.format("%05d-*.part", number))) {
      files.forEach(out::add);
    }
    return out;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private interface IoAction<T> {
    T run() throws IOException;
  }

  private <T> T io(IoAction<T> action) {
    try {
      return action.run();
    } catch (UncheckedIOException e) {
      throw new UnavailableException("blob store " + describe() + " failed: " + e.getCause().getMessage(), e);
    } catch (IOException e) {
      throw new UnavailableException("blob store " + describe() + " failed: " + e.getMessage(), e);
    }
  }
}
