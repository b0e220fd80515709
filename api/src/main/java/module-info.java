/**
 * Braid's ports and value types: the only module applications code against. Depends on the JDK alone.
 *
 * <p>{@code io.braid.api.internal} (the codecs behind the value types) is not exported: on the module
 * path nothing outside this module can read it.
 */
module io.braid.api {
  exports io.braid.api;
}
