/** {@code /perf/1.0.0} and {@code /echo/1.0.0} over any {@code NetStream}. */
module io.braid.protocols {
  requires transitive io.braid.api;

  exports io.braid.protocols;
}
