package io.braid.identity.planted;

import io.braid.cli.planted.CliUsesTestkit;

/** Planted violation: a library module naming the cli, the outermost leaf. */
public final class IdentityUsesCli {
  public String cli(CliUsesTestkit cli) {
    return cli.toString();
  }
}
