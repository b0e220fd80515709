package io.braid.core.planted.cycle.left;

import io.braid.core.planted.cycle.right.Right;

/** Planted cycle, first half: depends on the right package. */
public final class Left {
  public Right partner() {
    return new Right();
  }
}
