package io.braid.api.planted.leak;

import io.braid.api.internal.planted.InternalBase;

/** Planted leak: an exported class whose superclass is internal. */
public final class ExtendsInternalBase extends InternalBase {}
