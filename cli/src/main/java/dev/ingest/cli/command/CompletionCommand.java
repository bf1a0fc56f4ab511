package dev.ingest.cli.command;

import dev.ingest.cli.ExitCodes;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "completion",
    description = "Print a shell completion script for bash or zsh.",
    footer = {
      "",
      "Install:",
      "  bash: ingest completion bash | sudo tee /etc/bash_completion.d/ingest",
      "        (or: source <(ingest completion bash) in ~/.bashrc)",
      "  zsh:  echo 'autoload -U +X bashcompinit && bashcompinit; source <(ingest completion zsh)' >> ~/.zshrc"
    })
public final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "bash or zsh", defaultValue = "bash")
  String shell;

  @Override
  public Integer call() {
    if (!shell.equals("bash") && !shell.equals("zsh")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "unsupported shell '" + shell + "' (bash or zsh)");
    }
    // why: picocli's script serves zsh too once bashcompinit is loaded.
    spec.commandLine().getOut().print(AutoComplete.bash("ingest", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
