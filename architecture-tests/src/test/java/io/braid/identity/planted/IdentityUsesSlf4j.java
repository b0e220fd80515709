package io.braid.identity.planted;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Planted violation: identity logging (it may not, lest key material reach a log). */
public final class IdentityUsesSlf4j {
  private static final Logger LOG = LoggerFactory.getLogger(IdentityUsesSlf4j.class);

  public void signed(byte[] data) {
    LOG.debug("signed {} bytes", data.length);
  }
}
