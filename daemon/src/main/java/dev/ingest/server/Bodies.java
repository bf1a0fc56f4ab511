package dev.ingest.server;

import java.io.IOException;
import java.io.InterruptedIOException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Blocker;

/** Blocking reads of a request body chunk by chunk, for routes that stream bodies into the store. */
public final class Bodies {
  private Bodies() {}

  /**
   * The next chunk of the body, waiting for one to arrive; the caller releases it. A failed read (the
   * client went away, the idle timeout passed) is an {@link IOException}.
   */
  public static Content.Chunk next(Content.Source source) throws IOException {
    while (true) {
      Content.Chunk chunk = source.read();
      if (chunk != null) {
        if (Content.Chunk.isFailure(chunk)) {
          Throwable failure = chunk.getFailure();
          throw failure instanceof IOException ? (IOException) failure : new IOException("reading the request failed: " + failure, failure);
        }
        return chunk;
      }
      try (Blocker.Runnable ready = Blocker.runnable()) {
        source.demand(ready);
        ready.block();
      } catch (InterruptedIOException e) {
        throw e;
      }
    }
  }
}
