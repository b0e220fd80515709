/**
 * Implementation details of the testkit. Not API: nothing outside {@code io.braid.testkit} may use these
 * types, and they change without notice.
 */
package io.braid.testkit.internal;
