package io.braid.api.planted.leak;

import io.braid.api.internal.planted.InternalThing;
import java.util.List;

/** Planted leak: an internal type as the type argument of a public return type. */
public final class ReturnsInternalInTypeArgument {
  public List<InternalThing> things() {
    return List.of();
  }
}
