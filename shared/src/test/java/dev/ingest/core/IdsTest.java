package dev.ingest.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {
  @Test
  void idsOfOneMillisecondAreAllDifferentAcrossManyRefillsOfTheRandomPool() {
    Set<String> ids = new HashSet<>();
    Set<String> randomParts = new HashSet<>();
    for (int i = 0; i < 20_000; i++) { // ~50 refills of the 4 KiB pool
      String id = Ids.generate("job_", 1_700_000_000_000L);
      assertEquals(30, id.length(), id);
      ids.add(id);
      randomParts.add(id.substring(14));
    }
    assertEquals(20_000, ids.size());
    assertEquals(20_000, randomParts.size());
  }

  @Test
  void idsSortAsTheirMillisecondsDo() {
    List<String> ids = new ArrayList<>();
    for (long ms = 1_700_000_000_000L; ms < 1_700_000_000_000L + 5000; ms += 37) {
      ids.add(Ids.generate("job_", ms));
    }
    List<String> sorted = new ArrayList<>(ids);
    sorted.sort(null);
    assertEquals(ids, sorted);
    assertTrue(Ids.generate("job_", 1L << 40).compareTo(Ids.generate("job_", (1L << 40) - 1)) > 0);
  }
}
