package io.braid.api;

/**
 * Accounts the resources a node hands out, in {@link ResourceScope scopes}, and refuses what would exceed
 * a {@link ResourceLimits limit} (go-libp2p's resource manager). A network owns one; transports reach it
 * through {@link TransportContext#resources()} and ask it before they open or accept a stream and before
 * they buffer for one. Inbound connections are admitted by the network itself, through the
 * {@link InboundConnectionHandler} it hands to each listener.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Threads</b>: thread-safe; called on transport threads, so every method is fast and never
 *       blocks or calls out.</li>
 *   <li><b>Errors</b>: a refusal throws {@link LimitExceededException} naming the scope, the limit and its
 *       current use, and leaves nothing reserved.</li>
 *   <li><b>Ownership</b>: whoever gets a {@link StreamScope} must {@link StreamScope#close() close} it once,
 *       when the stream ends however it ends; closing gives back everything it still holds.</li>
 * </ul>
 */
public interface ResourceManager {

  /** Counts nothing and refuses nothing (for transports used without a network, and tests). */
  ResourceManager UNLIMITED = new ResourceManager() {
    @Override
    public StreamScope openStream(NetConn connection, Direction direction) {
      return StreamScope.NONE;
    }

    @Override
    public ResourceUsage usage() {
      return ResourceUsage.EMPTY;
    }

    @Override
    public String toString() {
      return "ResourceManager.UNLIMITED";
    }
  };

  /**
   * Reserves one stream of {@code direction} on {@code connection}: in the stream, connection, peer and
   * system scopes (the protocol is added by {@link StreamScope#setProtocol} once negotiated).
   *
   * @throws LimitExceededException if any of those scopes is at its stream limit; the caller resets the
   *     stream (an inbound one) or fails the open (an outbound one)
   */
  StreamScope openStream(NetConn connection, Direction direction);

  /** A snapshot of what is in use now, per scope, and of the refusals so far. */
  ResourceUsage usage();

  /**
   * The limits this manager enforces, for the bounds a transport applies itself (e.g.
   * {@link ResourceLimits.Limit#REFUSED_STREAMS_PER_CONNECTION}). {@link ResourceLimits#defaults()} unless a
   * manager says otherwise; {@link #UNLIMITED} returns the defaults too, since those transport bounds guard
   * the transport's own limits.
   */
  default ResourceLimits limits() {
    return ResourceLimits.defaults();
  }

  /**
   * What one stream holds: its slot in the stream counts, its protocol's count, its buffered bytes.
   * Thread-safe.
   */
  interface StreamScope extends AutoCloseable {
    /** Holds nothing: every call succeeds. */
    StreamScope NONE = new StreamScope() {
      @Override
      public void setProtocol(String protocol) {}

      @Override
      public void reserveMemory(long bytes) {}

      @Override
      public void releaseMemory(long bytes) {}

      @Override
      public void close() {}
    };

    /**
     * Charges this stream to {@code protocol}'s scope, once it is negotiated. At most once per stream.
     *
     * @throws LimitExceededException if the protocol is at its stream limit (the stream is then refused:
     *     the caller resets it and closes this scope)
     */
    void setProtocol(String protocol);

    /**
     * Reserves {@code bytes} (positive) of buffer for this stream, in the stream, connection, peer and
     * system scopes.
     *
     * @throws LimitExceededException if any of them would go over its memory limit (nothing is reserved)
     */
    void reserveMemory(long bytes);

    /** Gives back {@code bytes} reserved earlier; more than is held is clamped to what is held. */
    void releaseMemory(long bytes);

    /** Gives back the stream, its protocol and all its memory. Idempotent. */
    @Override
    void close();
  }
}
