package io.braid.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options and helpers every subcommand shares. */
abstract class BaseCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object with the results instead of text.")
  boolean json;

  @Option(names = {"-v", "--verbose"}, description = "Show stack traces of failures.")
  boolean verbose;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Prints {@code result} as JSON when {@code --json} was given. */
  void printJson(Map<String, Object> result) {
    out().println(Json.write(result));
    out().flush();
  }

  /** Waits at most {@code timeout} for {@code f}; a timeout or failure becomes one clear message. */
  static <T> T await(CompletableFuture<T> f, Duration timeout, String what) throws InterruptedException {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new CliException(what + " timed out after " + timeout.toSeconds() + "s");
    } catch (ExecutionException e) {
      throw new CliException(what + " failed: " + Braid.describe(e.getCause()), e.getCause());
    }
  }
}
