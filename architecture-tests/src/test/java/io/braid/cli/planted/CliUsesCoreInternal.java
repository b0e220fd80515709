package io.braid.cli.planted;

import io.braid.core.internal.SerialExecutor;

/** Planted violation: the cli using the swarm's internals instead of its facade. */
public final class CliUsesCoreInternal {
  public SerialExecutor events() {
    return new SerialExecutor(Runnable::run);
  }
}
