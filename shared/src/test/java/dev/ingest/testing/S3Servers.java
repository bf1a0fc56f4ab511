package dev.ingest.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real S3-protocol servers for tests, each started as its own process from the jar Maven copied to
 * {@code target/s3-servers}: S3Proxy (filesystem backend) and Adobe S3Mock.
 */
public final class S3Servers {
  public static final String ACCESS_KEY = "ingest-test-access";
  public static final String SECRET_KEY = "ingest-test-secret";

  /** A running server; close it to stop the process and delete its folder (data, temp files, logs). */
  public record Server(String name, URI endpoint, Process process, Path dir) implements AutoCloseable {
    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      deleteTree(dir);
    }
  }

  private static void deleteTree(Path dir) {
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException e) {
      // a folder already gone, or a file still held: the temp folder's owner cleans up at last
    }
  }

  private S3Servers() {}

  public static Server s3proxy(Path dir) throws IOException {
    Path data = Files.createDirectories(dir.resolve("s3proxy-data"));
    Path props = dir.resolve("s3proxy.properties");
    return start("s3proxy", jar("s3proxy"), dir, port -> {
      Files.writeString(
          props,
          "s3proxy.endpoint=http://127.0.0.1:" + port + "\n"
              + "s3proxy.authorization=aws-v2-or-v4\n"
              + "s3proxy.identity=" + ACCESS_KEY + "\n"
              + "s3proxy.credential=" + SECRET_KEY + "\n"
              + "jclouds.provider=filesystem\n"
              + "jclouds.filesystem.basedir=" + data + "\n");
      return List.of("--properties", props.toString());
    });
  }

  public static Server s3mock(Path dir, String... buckets) throws IOException {
    Path root = Files.createDirectories(dir.resolve("s3mock-data"));
    return start("s3mock", jar("s3mock"), dir, port -> List.of(
        "--server.port=0",
        "--com.adobe.testing.s3mock.httpPort=" + port,
        "--com.adobe.testing.s3mock.store.root=" + root,
        "--com.adobe.testing.s3mock.store.initialBuckets=" + String.join(",", buckets),
        "--logging.level.root=WARN"));
  }

  private interface ArgsForPort {
    List<String> args(int port) throws IOException;
  }

  /**
   * Starts the server on a free port. why: a port found free can be taken by another process before the
   * server binds it; a server that exits at start because its port is in use is started again on another.
   */
  private static Server start(String name, Path jar, Path dir, ArgsForPort argsFor) throws IOException {
    for (int attempt = 1; ; attempt++) {
      int port = freePort();
      try {
        return startOn(name, jar, port, dir, argsFor.args(port));
      } catch (PortTaken e) {
        if (attempt == 3) {
          throw new IllegalStateException(name + " found its port taken three times", e);
        }
      }
    }
  }

  private static final class PortTaken extends RuntimeException {
    PortTaken(String message) {
      super(message);
    }
  }

  private static Server startOn(String name, Path jar, int port, Path dir, List<String> args) throws IOException {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    // why: S3Mock writes a temp file per request body; kept inside the server's folder, they go with it.
    cmd.add("-Djava.io.tmpdir=" + tmp);
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(args);
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(dir.resolve(name + ".out").toFile())
            .redirectError(dir.resolve(name + ".err").toFile())
            .start();
    long deadline = System.nanoTime() + 90_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        String err = Files.readString(dir.resolve(name + ".err")) + Files.readString(dir.resolve(name + ".out"));
        if (err.contains("Address already in use") || err.contains("BindException")) {
          throw new PortTaken(name + ": port " + port + " taken");
        }
        throw new IllegalStateException(name + " exited at start: " + err);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new Server(name, URI.create("http://127.0.0.1:" + port), p, dir);
      } catch (IOException notYet) {
        sleep(200);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException(name + " did not start listening on port " + port);
  }

  private static Path jar(String name) {
    String path = System.getProperty(name + ".jar");
    if (path == null || !Files.exists(Path.of(path))) {
      throw new IllegalStateException("no " + name + " jar (" + path + "): run through Maven, which copies it");
    }
    return Path.of(path);
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
