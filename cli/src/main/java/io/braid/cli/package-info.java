/**
 * The {@code braid} command line tool: {@link io.braid.cli.Braid} and its subcommands, built on
 * {@code io.braid.core.Swarm} with the TCP transport and the protocols module. Not a library: nothing
 * else depends on this package.
 */
package io.braid.cli;
