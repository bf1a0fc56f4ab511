package dev.ingest.cli.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real clients of ingest's protocols that live outside Maven: curl, and tus-js-client under Node.js
 * ({@code npm ci --prefix cli/src/test/node}). Tests that need one skip where it is missing; CI installs them.
 */
final class Tools {
  static final Path NODE_DIR = Path.of(System.getProperty("ingest.node.dir", "src/test/node"));

  private Tools() {}

  static boolean curl() {
    return runs("curl", "--version");
  }

  /** Node.js and the test's npm packages. */
  static boolean tusJsClient() {
    return runs("node", "--version") && Files.isDirectory(NODE_DIR.resolve("node_modules/tus-js-client"));
  }

  static Path tusScript() {
    return NODE_DIR.resolve("tus-upload.mjs").toAbsolutePath();
  }

  private static boolean runs(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
