package dev.ingest.pipeline.steps;

import dev.ingest.pipeline.Step;
import dev.ingest.pipeline.StepContext;
import java.time.Duration;

/**
 * Waits for {@code duration}, reporting progress and stopping promptly when asked. For rehearsing workers,
 * shutdowns and crashes with jobs of a known length.
 */
public final class DelayStep implements Step {
  private final Duration duration;

  public DelayStep(Duration duration) {
    this.duration = duration;
  }

  @Override
  public String name() {
    return "delay";
  }

  @Override
  public void run(StepContext ctx) throws InterruptedException {
    long total = Math.max(1, duration.toMillis());
    long slice = Math.min(100, total);
    for (long waited = 0; waited < total; waited += slice) {
      ctx.checkStopped();
      Thread.sleep(Math.min(slice, total - waited));
      ctx.progress((int) ((waited + slice) * 100 / total), null);
    }
  }
}
