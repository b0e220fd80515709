package io.braid.core.planted;

import io.braid.api.internal.Varint;

/** Planted violation: core using the api module's internal codec. */
public final class CoreUsesApiInternal {
  public int size(long value) {
    return Varint.size(value);
  }
}
