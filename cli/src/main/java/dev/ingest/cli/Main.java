package dev.ingest.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Entry point of the ingest jar. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.setProperty(dev.ingest.cli.command.Signals.OWN_PROCESS, "true");
    PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int code = CommandLineFactory.create(out, err, System.getenv(), args).execute(args);
    out.flush();
    err.flush();
    System.exit(code);
  }
}
