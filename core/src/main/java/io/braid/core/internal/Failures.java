package io.braid.core.internal;

import io.braid.api.NetworkClosedException;
import io.braid.api.PeerId;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Failure helpers the collaborators share. Stateless. */
public final class Failures {
  private Failures() {}

  /** What every operation fails with once the network of {@code local} is closed. */
  public static NetworkClosedException closed(PeerId local) {
    return new NetworkClosedException("the network of " + local + " is closed");
  }

  /** The cause inside {@link CompletionException} and {@link ExecutionException} wrappers. */
  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
