/**
 * Small application protocols built on the asynchronous {@link io.braid.api.NetStream} API alone:
 * {@link io.braid.protocols.Perf} ({@code /perf/1.0.0}) and {@link io.braid.protocols.Echo}
 * ({@code /echo/1.0.0}). Neither is served unless the user registers its handler.
 *
 * <p>Everything here is non-blocking: handlers and clients start reads and writes and continue in the
 * callbacks of the stream's futures, writing in chunks of at most 64 KiB, each after the previous one
 * completed, so memory stays bounded and backpressure is respected. Parameters and results are non-null.
 */
package io.braid.protocols;
