package io.braid.testkit.internal;

import java.util.concurrent.CompletableFuture;

/** Small helpers for futures handed to callers. */
public final class Futures {
  private Futures() {}

  /**
   * A fresh future that completes as {@code source} does, with the same value or the same (unwrapped)
   * exception, so a caller completing or cancelling it cannot disturb {@code source}. Unlike
   * {@link CompletableFuture#copy()}, dependent actions see the original exception, not a
   * {@link java.util.concurrent.CompletionException} around it.
   */
  public static <T> CompletableFuture<T> view(CompletableFuture<T> source) {
    CompletableFuture<T> view = new CompletableFuture<>();
    source.whenComplete((v, e) -> {
      if (e != null) {
        view.completeExceptionally(e);
      } else {
        view.complete(v);
      }
    });
    return view;
  }
}
