/** Codecs behind the api's value types. Not for use outside the {@code api} module. */
package io.braid.api.internal;
