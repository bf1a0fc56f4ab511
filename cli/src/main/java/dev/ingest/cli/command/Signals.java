package dev.ingest.cli.command;

import dev.ingest.cli.ExitCodes;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT for the worker: the first asks for a graceful stop (exit 0 for TERM, 130 for INT),
 * a second one cuts the grace period short. Replacing the JVM's handlers is what lets a stopped worker exit
 * 0 instead of 143.
 */
public final class Signals {
  private Signals() {}

  /** Set by {@code Main}: ingest owns this process and its signals. */
  public static final String OWN_PROCESS = "ingest.own-process";

  /**
   * Does nothing unless ingest runs as its own process: a JVM that merely hosts the commands (the test runner)
   * keeps its own handlers, so a SIGTERM or Ctrl-C still ends it.
   */
  static void onTermination(IntConsumer graceful, Runnable hurry) {
    if (!Boolean.getBoolean(OWN_PROCESS)) {
      return;
    }
    AtomicBoolean asked = new AtomicBoolean();
    handle("TERM", ExitCodes.OK, asked, graceful, hurry);
    handle("INT", ExitCodes.INTERRUPTED, asked, graceful, hurry);
  }

  private static void handle(String name, int code, AtomicBoolean asked, IntConsumer graceful, Runnable hurry) {
    try {
      Signal.handle(
          new Signal(name),
          signal -> {
            if (asked.compareAndSet(false, true)) {
              graceful.accept(code);
            } else {
              hurry.run();
            }
          });
    } catch (IllegalArgumentException e) {
      // why: some platforms (or a JVM started with -Xrs) do not let us handle this signal; the default stays.
    }
  }
}
