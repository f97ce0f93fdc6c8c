/**
 * Admission of requests: the gate that bounds requests in flight, its adaptive limit, and
 * request deadlines.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.admission;

import org.jspecify.annotations.NullMarked;
