package dev.ingest.queue.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.core.FileRef;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PayloadCodecTest {
  @Test
  void fileAndMetadataSurviveARoundTripInOrder() {
    FileRef file = new FileRef("file_1", "Q3 \"report\" ü.pdf", 5_000_000_000L, "ab12", "application/pdf", "blobs/ab/12");
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("team", "finance");
    meta.put("note", "line one\nline two");
    meta.put("empty", "");

    PayloadCodec.Decoded decoded = PayloadCodec.decode(PayloadCodec.encode(file, meta, null, null, null));

    assertEquals(file, decoded.file());
    assertEquals(List.copyOf(meta.entrySet()), List.copyOf(decoded.meta().entrySet()));
  }

  @Test
  void aTimeLimitSurvivesARoundTripAndIsAbsentWhenNotSet() {
    PayloadCodec.Decoded decoded = PayloadCodec.decode(PayloadCodec.encode(null, Map.of(), java.time.Duration.ofMillis(90_500), Map.of("chunk.size", "500"), "job_parent"));
    assertEquals(java.time.Duration.ofMillis(90_500), decoded.timeout());
    assertEquals(Map.of("chunk.size", "500"), decoded.options());
    assertEquals("job_parent", decoded.parent());
    assertNull(PayloadCodec.decode(PayloadCodec.encode(null, Map.of("a", "1"), null, null, null)).timeout());
    assertEquals("{}", PayloadCodec.encode(null, Map.of(), null, null, null));
  }

  @Test
  void aJobWithoutFileOrMetadataDecodesToNoFileAndNoMetadata() {
    PayloadCodec.Decoded decoded = PayloadCodec.decode(PayloadCodec.encode(null, Map.of(), null, null, null));

    assertNull(decoded.file());
    assertTrue(decoded.meta().isEmpty());
    assertNull(PayloadCodec.decode(null).file());
  }

  @Test
  void fieldsItDoesNotKnowAreSkippedAndNullsAreKeptAsNulls() {
    String payload = "{\"v\":2,\"extra\":{\"nested\":[1,{\"a\":null}]},"
        + "\"file\":{\"id\":\"file_1\",\"name\":\"a.txt\",\"size\":3,\"sha256\":null,\"tags\":[\"x\"]},"
        + "\"meta\":{\"a\":\"1\",\"gone\":null}}";

    PayloadCodec.Decoded decoded = PayloadCodec.decode(payload);

    assertEquals(new FileRef("file_1", "a.txt", 3, null, null, null), decoded.file());
    assertEquals(Map.of("a", "1"), decoded.meta());
  }

  @Test
  void aPayloadThatIsNotAJsonObjectIsReportedAsUnreadable() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> PayloadCodec.decode("[1,2]"));
    assertEquals("unreadable job payload", e.getMessage());
    assertThrows(IllegalStateException.class, () -> PayloadCodec.decode("{\"file\":"));
  }
}
