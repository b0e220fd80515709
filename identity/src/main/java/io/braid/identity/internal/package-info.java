/**
 * Implementation of {@code io.braid.identity}: the strict protobuf key envelope, strict DER on top of
 * bouncycastle's ASN.1 classes ({@link io.braid.identity.internal.StrictDer}) and one class per key type.
 * Not for use outside the identity module; it never refers back to the public package (key types are the
 * protobuf numbers of {@link io.braid.identity.internal.KeyEnvelope}).
 */
package io.braid.identity.internal;
