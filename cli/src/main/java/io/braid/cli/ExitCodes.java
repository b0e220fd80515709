package io.braid.cli;

import io.braid.api.DialException;
import io.braid.api.LimitExceededException;
import io.braid.api.PeerIdMismatchException;
import io.braid.api.ProtocolNegotiationException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The exit codes of {@code braid}, one per cause a script can act on (cli/README.md and the footer of
 * {@code braid --help}, in {@link Braid}, list them: keep the three in step). A failure is classified by the Braid exceptions in its cause chain (a dial's every attempt
 * included), the most specific first.
 */
final class ExitCodes {
  /** Success. */
  static final int OK = 0;
  /** Any other failure (a stream reset, a verification that failed, a timeout after connecting). */
  static final int FAILED = 1;
  /** Bad usage: unknown option, malformed size or multiaddr, out-of-range count. */
  static final int USAGE = 2;
  /** The peer could not be reached: every dial attempt failed (refused, timed out, no route). */
  static final int UNREACHABLE = 3;
  /** The peer at the address has another peer id than the one dialed. */
  static final int PEER_ID_MISMATCH = 4;
  /** The peer does not serve the protocol asked for. */
  static final int PROTOCOL_NEGOTIATION = 5;
  /** A connection or stream limit refused the operation (here or at the peer). */
  static final int LIMIT_EXCEEDED = 6;

  /**
   * Failures with a code of their own, most specific first: a wrong peer or a limit explains a failed dial
   * better than the dial failure that wraps it, wherever in the cause chain each one stands.
   */
  private static final List<Map.Entry<Class<? extends Throwable>, Integer>> BY_PRIORITY = List.of(
      Map.entry(PeerIdMismatchException.class, PEER_ID_MISMATCH),
      Map.entry(LimitExceededException.class, LIMIT_EXCEEDED),
      Map.entry(ProtocolNegotiationException.class, PROTOCOL_NEGOTIATION));

  private ExitCodes() {}

  /** The exit code of a command that failed with {@code t}. */
  static int of(Throwable t) {
    List<Throwable> chain = chain(t);
    for (Map.Entry<Class<? extends Throwable>, Integer> rule : BY_PRIORITY) {
      if (chain.stream().anyMatch(rule.getKey()::isInstance)) {
        return rule.getValue();
      }
    }
    for (Throwable c : chain) {
      if (c instanceof DialException) {
        return UNREACHABLE;
      }
      if (c instanceof CliException e && e.exitCode() != FAILED) {
        return e.exitCode();
      }
    }
    return FAILED;
  }

  /** {@code t}, its causes, and the causes of each dial attempt, each once. */
  private static List<Throwable> chain(Throwable t) {
    List<Throwable> out = new ArrayList<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Throwable> todo = new ArrayList<>();
    todo.add(t);
    while (!todo.isEmpty()) {
      Throwable c = todo.remove(0);
      if (c == null || !seen.add(c)) {
        continue;
      }
      out.add(c);
      todo.add(c.getCause());
      if (c instanceof DialException d) {
        d.attempts().forEach(a -> todo.add(a.cause()));
      }
    }
    return out;
  }
}
