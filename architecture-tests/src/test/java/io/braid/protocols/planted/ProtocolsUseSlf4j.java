package io.braid.protocols.planted;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Planted violation: a protocol logging through SLF4J. */
public final class ProtocolsUseSlf4j {
  private static final Logger LOG = LoggerFactory.getLogger(ProtocolsUseSlf4j.class);

  public void served() {
    LOG.info("served");
  }
}
