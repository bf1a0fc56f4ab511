package dev.ingest.server;

import java.nio.file.Path;
import java.util.Map;

/** tus on the local folder store. */
class LocalTusProtocolTest extends TusProtocolTest {
  @Override
  protected Map<String, String> store(Path dir) {
    return Map.of();
  }
}
