package io.braid.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * Prints a completion script for bash and zsh, made by picocli from the command tree itself, so it knows
 * every subcommand and option. Use: {@code source <(braid completion)}.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = {"Print a bash/zsh completion script for braid.",
        "Use: source <(braid completion)   (zsh: autoload -U +X bashcompinit && bashcompinit first)."})
final class CompletionCommand implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    CommandLine root = spec.commandLine().getParent();
    spec.commandLine().getOut().print(AutoComplete.bash("braid", root));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
