package io.braid.core;

import io.braid.api.DialException;
import io.braid.api.NetworkListener;
import io.braid.api.PeerId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records keep-N events as short sentences, in order, and the causes of a give-up. Thread-safe. */
final class KeepEvents implements NetworkListener {
  final List<String> log = new CopyOnWriteArrayList<>();
  final List<Throwable> gaveUpCauses = new CopyOnWriteArrayList<>();

  @Override
  public void belowTarget(PeerId peer, int current, int target) {
    log.add("below " + current + "/" + target);
  }

  @Override
  public void targetRestored(PeerId peer, int connections, Duration took) {
    log.add("restored " + connections + " in " + took.toMillis() + " ms");
  }

  @Override
  public void keepConnectedGaveUp(PeerId peer, int target, List<Throwable> causes) {
    log.add("gave up on " + target + " after " + causes.size() + " rounds");
    gaveUpCauses.addAll(causes);
  }

  /** The number of tries each failed round's DialException lists. */
  List<Integer> triesPerRound() {
    return gaveUpCauses.stream().map(t -> ((DialException) t).attempts().size()).toList();
  }
}
