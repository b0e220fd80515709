package io.braid.api.planted;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Planted violation: an api class that logs through SLF4J (the api depends on the JDK alone). */
public final class ApiUsesSlf4j {
  private static final Logger LOG = LoggerFactory.getLogger(ApiUsesSlf4j.class);

  public void hello() {
    LOG.info("hello");
  }
}
