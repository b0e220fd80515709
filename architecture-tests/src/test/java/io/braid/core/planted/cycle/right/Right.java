package io.braid.core.planted.cycle.right;

import io.braid.core.planted.cycle.left.Left;

/** Planted cycle, second half: depends back on the left package. */
public final class Right {
  public Left partner() {
    return new Left();
  }
}
