/**
 * The {@code braid} command line tool: {@link io.braid.cli.Braid} and its subcommands, built on
 * {@code io.braid.core.Swarm} with the TCP transport and the protocols module. Not a library: no Braid
 * module depends on this package. The one public type besides {@link io.braid.cli.Braid} is
 * {@link io.braid.cli.SwarmTour}, which {@code examples/swarm-demo} runs on the in-memory transport.
 */
package io.braid.cli;
