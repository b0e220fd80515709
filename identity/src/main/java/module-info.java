/**
 * Key pairs, libp2p key encoding, signatures and peer ids from keys.
 *
 * <p>Only {@code io.braid.identity} is exported; its public types name api types ({@code PeerId},
 * {@code HostIdentity}), so the api is required transitively. Bouncycastle and protobuf-java stay
 * implementation details. The generated protobuf code is opened to protobuf-java alone, whose
 * reflective paths (descriptors, {@code toString}) call the generated accessors.
 */
// protobuf-java has no module-info, only Automatic-Module-Name com.google.protobuf: a stable name.
@SuppressWarnings("requires-automatic")
module io.braid.identity {
  requires transitive io.braid.api;
  requires com.google.protobuf;
  requires org.bouncycastle.provider;

  exports io.braid.identity;

  opens io.braid.identity.internal.proto to com.google.protobuf;
}
