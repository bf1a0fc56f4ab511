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
    return present(runs("curl", "--version"), "curl");
  }

  /** Node.js and the test's npm packages. */
  static boolean tusJsClient() {
    return present(runs("node", "--version") && Files.isDirectory(NODE_DIR.resolve("node_modules/tus-js-client")),
        "Node.js with tus-js-client (npm ci --prefix cli/src/test/node)");
  }

  /** Where CI installed the tools ({@code INGEST_TEST_TOOLS=required}), a missing one fails the test. */
  private static boolean present(boolean found, String what) {
    if (!found && "required".equals(System.getenv("INGEST_TEST_TOOLS"))) {
      throw new AssertionError(what + " is required here (INGEST_TEST_TOOLS=required) but missing");
    }
    return found;
  }

  /** Debian's Chromium and playwright-core to drive it ({@code apt-get install chromium}, the npm packages). */
  static boolean chromium() {
    return present(tusJsClient() && Files.isExecutable(chromiumPath())
            && Files.isDirectory(NODE_DIR.resolve("node_modules/playwright-core")),
        "Chromium (apt-get install chromium) with playwright-core (npm ci --prefix cli/src/test/node)");
  }

  static Path chromiumPath() {
    String path = System.getenv("CHROMIUM");
    return Path.of(path == null ? "/usr/bin/chromium" : path);
  }

  static Path browserScript() {
    return NODE_DIR.resolve("browser-test.mjs").toAbsolutePath();
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
