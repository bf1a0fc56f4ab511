package dev.ingest.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.core.PermanentFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelinesTest {
  @Test
  void autoAndNoopAreBuiltIn() {
    Pipelines p = new Pipelines(Map.of());
    assertEquals(List.of("detect", "extract", "chunk", "store"), names(p.resolve("auto")));
    assertTrue(p.resolve("noop").steps().isEmpty());
  }

  @Test
  void namedPipelinesComeFromConfigurationWithStepOptions() {
    Pipelines p =
        new Pipelines(
            Map.of(
                "pipeline.docs.steps", "extract, upper, chunk,store",
                "pipeline.docs.chunk.size", "300",
                "pipeline.docs.upper.marker", ">"));
    assertEquals(List.of("extract", "upper", "chunk", "store"), names(p.resolve("docs")));
    assertTrue(p.names().contains("docs"));
  }

  @Test
  void customStepsAreDiscoveredThroughServiceLoader() {
    assertTrue(new Pipelines(Map.of()).stepNames().containsAll(List.of("upper", "explode")));
  }

  @Test
  void unknownPipelinesAndStepsFailPermanently() {
    Pipelines p = new Pipelines(Map.of("pipeline.bad.steps", "extract,nosuchstep"));
    assertEquals("unknown_pipeline", assertThrows(PermanentFailure.class, () -> p.resolve("ghost")).type());
    assertEquals("unknown_step", assertThrows(PermanentFailure.class, () -> p.resolve("bad")).type());
  }

  @Test
  void badStepOptionsAreReportedAsConfigurationErrors() {
    Pipelines p = new Pipelines(Map.of("pipeline.x.steps", "chunk", "pipeline.x.chunk.size", "lots"));
    PermanentFailure f = assertThrows(PermanentFailure.class, () -> p.resolve("x"));
    assertEquals("bad_config", f.type());
  }

  @Test
  void aJobMaySetOnlyTheOptionsItsPipelineAllowsAndNeverExec() {
    Pipelines p =
        new Pipelines(
            Map.of(
                "pipeline.docs.steps", "extract,chunk,store",
                "pipeline.scans.steps", "exec,chunk,store",
                "pipeline.scans.exec.command", "cat",
                "pipeline.scans.allow-options", "chunk.size"));
    assertEquals(Pipelines.DEFAULT_ALLOWED_OPTIONS, p.allowedOptions("docs"));
    p.resolve("docs", Map.of("chunk.size", "500", "chunk.overlap", "50", "chunk.unit", "tokens"));

    PermanentFailure notAllowed = assertThrows(PermanentFailure.class, () -> p.resolve("scans", Map.of("chunk.overlap", "5")));
    assertEquals("option_not_allowed", notAllowed.type());
    assertTrue(notAllowed.getMessage().contains("allowed: chunk.size"), notAllowed.getMessage());
    assertEquals("option_not_allowed", assertThrows(PermanentFailure.class, () -> p.resolve("docs", Map.of("exec.command", "rm -rf /"))).type());

    PermanentFailure badValue = assertThrows(PermanentFailure.class, () -> p.resolve("docs", Map.of("chunk.size", "lots")));
    assertEquals("bad_option", badValue.type());

    Pipelines execAllowed = new Pipelines(Map.of("pipeline.x.steps", "exec", "pipeline.x.exec.command", "cat", "pipeline.x.allow-options", "exec.command"));
    assertThrows(dev.ingest.core.InvalidInputException.class, execAllowed::validate, "a worker must refuse to let uploads pick commands");

    // the upload-time check: refused where the pipeline is known, left to the workers where it is not
    assertThrows(dev.ingest.core.InvalidInputException.class, () -> p.checkUpload("scans", Map.of("chunk.unit", "tokens")));
    p.checkUpload("elsewhere", Map.of("anything.goes", "1"));
  }

  @Test
  void autoEmbedsOnlyWhenAnEmbeddingEndpointIsConfigured() {
    assertEquals(List.of("detect", "extract", "chunk", "store"), names(new Pipelines(Map.of()).resolve("auto")));
    assertEquals(
        List.of("detect", "extract", "chunk", "embed", "store"),
        names(new Pipelines(Map.of("embed.url", "http://localhost:1")).resolve("auto")));
  }

  @Test
  void execNeedsACommandAndChunkAKnownUnit() {
    Pipelines p = new Pipelines(Map.of("pipeline.e.steps", "exec", "pipeline.c.steps", "chunk", "pipeline.c.chunk.unit", "words"));
    assertTrue(assertThrows(PermanentFailure.class, () -> p.resolve("e")).getMessage().contains("exec needs"));
    assertTrue(assertThrows(PermanentFailure.class, () -> p.resolve("c")).getMessage().contains("chars or tokens"));
  }

  private static List<String> names(Pipeline p) {
    return p.steps().stream().map(Step::name).toList();
  }
}
