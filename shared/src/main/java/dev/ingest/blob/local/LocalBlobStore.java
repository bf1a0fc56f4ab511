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
 * {@link BlobStore} in a local folder. A multipart upload is a staging folder holding one data file: each
 * part is written straight to its place in it ({@code (number - 1) x partSize}), then recorded by an empty
 * marker file named after its number, size and CRC32C. Completion checks the markers, cuts the data file to
 * the parts' total and renames it onto the key, so no reader ever sees half an object and no byte is
 * written twice.
 */
public final class LocalBlobStore implements BlobStore, dev.ingest.blob.FileRegionUpload {
  private static final String STAGING = ".staging";
  private static final String KEY_FILE = "key";
  private static final String PART_SIZE_FILE = "part-size";
  private static final String DATA_FILE = "data";

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
  public String createMultipart(String key, long partSize) {
    BlobKeys.requireSafe(key);
    if (partSize < 1) {
      throw new IllegalArgumentException("part size must be positive");
    }
    String uploadId = Ids.generate("up_", System.currentTimeMillis());
    Path dir = staging.resolve(uploadId);
    io(() -> {
      try {
        Files.createDirectories(dir);
        Files.createFile(dir.resolve(DATA_FILE));
        Files.writeString(dir.resolve(PART_SIZE_FILE), Long.toString(partSize), StandardCharsets.UTF_8);
        // why: written last, it is what makes the folder an upload (see uploadDir).
        Files.writeString(dir.resolve(KEY_FILE), key, StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
        deleteTree(dir);
        throw e;
      }
      return null;
    });
    return uploadId;
  }

  @Override
  public UploadedPart uploadPart(String key, String uploadId, int partNumber, byte[] data, int length, String checksum) {
    return writePart(key, uploadId, partNumber, data, length, checksum, true);
  }

  @Override
  public UploadedPart uploadPartUnsynced(String key, String uploadId, int partNumber, byte[] data, int length, String checksum) {
    return writePart(key, uploadId, partNumber, data, length, checksum, false);
  }

  @Override
  public void syncUpload(String key, String uploadId) {
    Path dir = uploadDir(key, uploadId);
    io(() -> {
      try (FileChannel out = FileChannel.open(dir.resolve(DATA_FILE), StandardOpenOption.WRITE)) {
        out.force(false);
      }
      return null;
    });
  }

  private UploadedPart writePart(
      String key, String uploadId, int partNumber, byte[] data, int length, String checksum, boolean sync) {
    Path dir = uploadDir(key, uploadId);
    String actual = Checksums.crc32c(data, length);
    if (checksum != null && !checksum.equals(actual)) {
      throw new InvalidInputException("part " + partNumber + " of " + key + " arrived corrupted (CRC32C mismatch)");
    }
    long partSize = partSize(dir);
    if (partNumber < 1 || length > partSize) {
      throw new InvalidInputException("part " + partNumber + " of " + key + " is larger than the upload's part size");
    }
    io(() -> {
      for (Path old : partFiles(dir, partNumber)) {
        Files.deleteIfExists(old);
      }
      try (FileChannel out = FileChannel.open(dir.resolve(DATA_FILE), StandardOpenOption.WRITE)) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(data, 0, length);
        long at = (partNumber - 1) * partSize;
        while (buffer.hasRemaining()) {
          at += out.write(buffer, at);
        }
        if (sync) {
          out.force(false); // why: see uploadPartFromFile
        }
      }
      Files.createFile(dir.resolve(partName(partNumber, length, actual)));
      return null;
    });
    return new UploadedPart(partNumber, actual, actual, length);
  }

  @Override
  public UploadedPart uploadPartFromFile(
      String key, String uploadId, int partNumber, Path source, long offset, int length, String checksum) {
    Path dir = uploadDir(key, uploadId);
    long partSize = partSize(dir);
    if (partNumber < 1 || length > partSize) {
      throw new InvalidInputException("part " + partNumber + " of " + key + " is larger than the upload's part size");
    }
    io(() -> {
      for (Path old : partFiles(dir, partNumber)) {
        Files.deleteIfExists(old);
      }
      try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
          FileChannel out = FileChannel.open(dir.resolve(DATA_FILE), StandardOpenOption.WRITE, StandardOpenOption.READ)) {
        long at = (partNumber - 1) * partSize;
        long done = 0;
        while (done < length) {
          long n = in.transferTo(offset + done, length - done, out.position(at + done));
          if (n <= 0) {
            throw new InvalidInputException(source + " shrank while it was being uploaded; run the upload again");
          }
          done += n;
        }
        // why: the checksum is of the bytes the caller read and hashed; the copy reads the file again, and a
        // file rewritten in between must not become an object whose content differs from its SHA-256.
        if (checksum != null && !checksum.equals(crc32c(out, at, length))) {
          throw new InvalidInputException(
              source + " changed while it was being uploaded (part " + partNumber + " no longer matches what was read); "
                  + "run the upload again");
        }
        // why: a part is on disk before its marker says so, so a resume after a power cut never trusts a
        // part that was still in the page cache; and the disk writes while later parts are still read and
        // hashed, instead of all at once when the upload completes.
        out.force(false);
      }
      Files.createFile(dir.resolve(partName(partNumber, length, checksum)));
      return null;
    });
    return new UploadedPart(partNumber, checksum, checksum, length);
  }

  /** The CRC32C of a region of a file, in the form {@link Checksums#crc32c} gives. */
  private static String crc32c(FileChannel file, long at, int length) throws IOException {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    // why: a small heap buffer; a direct one per part is only freed by a GC, and 1 GiB of parts held
    // 128 MiB of them (peak RSS 185 -> 319 MiB), while the JDK reads into its own cached direct buffer anyway
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(Math.min(length, 64 * 1024));
    long done = 0;
    while (done < length) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), length - done));
      int n = file.read(buffer, at + done);
      if (n < 0) {
        break;
      }
      buffer.flip();
      crc.update(buffer);
      done += n;
    }
    return Checksums.encode(crc);
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
    long partSize = partSize(dir);
    io(() -> {
      long total = 0;
      int expected = 1;
      for (UploadedPart part : parts) {
        if (part.number() != expected++) {
          throw new InvalidInputException("parts of " + key + " are not numbered 1.." + parts.size());
        }
        if (!Files.exists(dir.resolve(partName(part.number(), part.size(), part.etag())))) {
          throw new InvalidInputException("part " + part.number() + " of " + key + " is missing or differs");
        }
        if (part.number() < parts.size() && part.size() != partSize) {
          throw new InvalidInputException("part " + part.number() + " of " + key + " is shorter than the part size");
        }
        total += part.size();
      }
      Files.createDirectories(target.getParent());
      Path data = dir.resolve(DATA_FILE);
      try (FileChannel out = FileChannel.open(data, StandardOpenOption.WRITE)) {
        out.truncate(total);
        out.force(false);
      }
      move(data, target);
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
          } else {
            // why: what a process killed mid-put or mid-create left; listed so cleanup removes it once it is old
            pending.add(new PendingUpload("", dir.getFileName().toString(), Files.getLastModifiedTime(dir).toInstant()));
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
      try {
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW)) {
          out.write(data, 0, length);
        }
        move(tmp, target);
      } catch (IOException | RuntimeException e) {
        // why: a full disk or a failed move must not leave the half-written copy behind in staging
        Files.deleteIfExists(tmp);
        throw e;
      }
      return null;
    });
  }

  /**
   * Written where it will stay, with no staging copy to rename: the rename into another folder took both
   * folders' locks and the file system's rename lock, and with a batch's threads creating objects at once
   * they queued on them (about a tenth of a 5,200-file batch's time).
   */
  @Override
  public void putNew(String key, byte[] data, int length) {
    Path target = objectPath(key);
    boolean written = io(() -> {
      OutputStream out;
      try {
        out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW);
      } catch (NoSuchFileException e) {
        // why: the folder is made once, not checked before every object
        Files.createDirectories(target.getParent());
        out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        return false;
      }
      try (OutputStream o = out) {
        o.write(data, 0, length);
      } catch (IOException | RuntimeException e) {
        // why: a full disk must not leave a truncated object behind
        Files.deleteIfExists(target);
        throw e;
      }
      return true;
    });
    if (!written) {
      // why: the key was written before, by a request retried after a crash (a tus upload's last PATCH) or one
      // that crashed midway; it is replaced whole, as put replaces
      put(key, data, length);
    }
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

  @Override
  public void list(String prefix, java.util.function.Consumer<BlobInfo> each) {
    BlobKeys.requireSafe(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
    Path folder = root.resolve(prefix);
    if (!Files.isDirectory(folder)) {
      return;
    }
    io(() -> {
      try (Stream<Path> walk = Files.walk(folder)) {
        for (Path p : (Iterable<Path>) walk::iterator) {
          BasicFileAttributes attrs;
          try {
            attrs = Files.readAttributes(p, BasicFileAttributes.class);
          } catch (NoSuchFileException gone) {
            continue; // deleted while we walked
          }
          if (attrs.isRegularFile()) {
            String key = root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
            each.accept(new BlobInfo(key, attrs.size(), attrs.lastModifiedTime().toInstant()));
          }
        }
      }
      return null;
    });
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
      if (!Files.exists(dir.resolve(PART_SIZE_FILE))) {
        // why: an upload staged by an older version (a file per part) cannot be resumed; it starts again.
        throw new NotFoundException("upload " + uploadId + " was staged by an older version of ingest");
      }
      return dir;
    } catch (NoSuchFileException e) {
      throw new NotFoundException("no upload " + uploadId + " for " + key + " (completed or aborted)");
    } catch (IOException e) {
      throw new UnavailableException("cannot read upload " + uploadId + ": " + e.getMessage(), e);
    }
  }

  private static String partName(int number, long size, String checksum) {
    // why: base64 may hold '/' and '+'; make it file-name safe.
    return String.format(
        "%05d-%d-%s.part", number, size, checksum.replace('/', '_').replace('+', '-').replace("=", ""));
  }

  private static UploadedPart parsePart(Path file) {
    String[] fields = file.getFileName().toString().replace(".part", "").split("-", 3);
    int number = Integer.parseInt(fields[0]);
    long size = Long.parseLong(fields[1]);
    String checksum = fields[2].replace('_', '/').replace('-', '+') + "==";
    return new UploadedPart(number, checksum, checksum, size);
  }

  private long partSize(Path dir) {
    return io(() -> Long.parseLong(Files.readString(dir.resolve(PART_SIZE_FILE)).trim()));
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
      throw new UnavailableException("blob store " + describe() + " failed: " + reason(e.getCause()), e);
    } catch (IOException e) {
      throw new UnavailableException("blob store " + describe() + " failed: " + reason(e), e);
    }
  }

  /** What went wrong; a file-system error without a reason is only a path, so what happened is said too. */
  private static String reason(IOException e) {
    if (!(e instanceof java.nio.file.FileSystemException) || ((java.nio.file.FileSystemException) e).getReason() != null) {
      return e.getMessage();
    }
    String what;
    if (e instanceof NoSuchFileException) {
      what = "no such file or folder";
    } else if (e instanceof java.nio.file.FileAlreadyExistsException) {
      what = "already exists";
    } else if (e instanceof java.nio.file.AccessDeniedException) {
      what = "permission denied";
    } else if (e instanceof java.nio.file.NotDirectoryException) {
      what = "not a folder";
    } else {
      what = "file system error";
    }
    return e.getMessage() + ": " + what;
  }
}
