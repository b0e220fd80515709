/** The swarm's internals. Not for use outside the {@code core} module. */
package io.braid.core.internal;
