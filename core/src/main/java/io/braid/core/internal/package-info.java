/**
 * The swarm's collaborators, one concern per class, wired and called by the facade
 * {@code io.braid.core.Swarm} (whose class comment holds the whole concurrency story); they never call
 * back into it. Dialing: {@code DialCoordinator}, {@code DialJob}, {@code DialWorker},
 * {@code BackoffPolicy}. Admission: {@code Admission}, {@code SimultaneousOpen}, {@code SlotPool}.
 * Connections: {@code ConnectionRegistry}, {@code PeerState}, {@code AddressBook}. Streams:
 * {@code StreamPlacer}. Events: {@code EventDispatcher}, {@code SerialExecutor}. Transports and closing:
 * {@code TransportSet}, {@code Lifecycle}. Not for use outside the {@code core} module.
 */
package io.braid.core.internal;
