package dev.ingest.cli.command;

import dev.ingest.core.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Turns the paths a user named into the files to upload, checking them all before anything is sent. */
final class FileWalker {
  private FileWalker() {}

  static List<Path> expand(List<Path> paths) {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (!Files.exists(p)) {
        throw new InvalidInputException("no such file: " + p);
      }
      if (Files.isDirectory(p)) {
        try (Stream<Path> walk = Files.walk(p)) {
          walk.filter(Files::isRegularFile).filter(f -> !isHidden(p, f)).sorted().forEach(files::add);
        } catch (IOException e) {
          throw new InvalidInputException("cannot read directory " + p + ": " + e.getMessage(), e);
        }
      } else if (!Files.isReadable(p)) {
        throw new InvalidInputException("cannot read " + p + ": permission denied");
      } else {
        files.add(p);
      }
    }
    if (files.isEmpty()) {
      throw new InvalidInputException("no files to upload in " + paths);
    }
    return files;
  }

  private static boolean isHidden(Path base, Path file) {
    for (Path part : base.relativize(file)) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  static long totalSize(List<Path> files) {
    long total = 0;
    for (Path f : files) {
      try {
        total += Files.size(f);
      } catch (IOException e) {
        // counted as zero; the upload itself reports the error
      }
    }
    return total;
  }
}
