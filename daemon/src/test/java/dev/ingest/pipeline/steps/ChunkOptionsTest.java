package dev.ingest.pipeline.steps;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ingest.core.Job;
import dev.ingest.core.JobStatus;
import dev.ingest.testing.TestFiles;
import dev.ingest.testing.WorkerHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chunk sizes in characters or approximate tokens, per pipeline or worker-wide. */
class ChunkOptionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private List<Integer> chunkLengths(Map<String, String> settings, String pipeline) throws Exception {
    try (WorkerHarness h = new WorkerHarness(dir)) {
      h.start(settings);
      Path txt = Files.writeString(dir.resolve(pipeline + ".txt"), TestFiles.prose(60));
      Job done = h.awaitStatus(h.upload(txt, pipeline), JobStatus.COMPLETED);
      return h.chunks(done).lines().map(l -> read(l).get("text").asText().length()).toList();
    }
  }

  @Test
  void tokenSizesAreFourCharactersATokenAndPipelineOptionsBeatWorkerWideOnes() throws Exception {
    List<Integer> tokens =
        chunkLengths(
            Map.of("chunk.size", "1000", "pipeline.t.steps", "extract,chunk,store", "pipeline.t.chunk.unit", "tokens",
                "pipeline.t.chunk.size", "60", "pipeline.t.chunk.overlap", "5"),
            "t");
    assertTrue(tokens.size() > 5, tokens.toString());
    assertTrue(tokens.stream().allMatch(n -> n <= 240), "60 tokens are at most 240 characters: " + tokens);
    assertTrue(tokens.stream().anyMatch(n -> n > 120), "chunks are cut at 240, not 60: " + tokens);
  }

  @Test
  void workerWideChunkSettingsApplyWhenThePipelineSaysNothing() throws Exception {
    List<Integer> lengths = chunkLengths(Map.of("chunk.size", "150", "chunk.overlap", "0"), "auto");
    assertTrue(lengths.size() > 10 && lengths.stream().allMatch(n -> n <= 150), lengths.toString());
  }

  private static JsonNode read(String line) {
    try {
      return JSON.readTree(line);
    } catch (java.io.IOException e) {
      throw new AssertionError(line, e);
    }
  }
}
