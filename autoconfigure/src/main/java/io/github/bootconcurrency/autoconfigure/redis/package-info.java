/**
 * Fail-fast check of the application's Redis connection at startup, and Redis in the
 * readiness group.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.redis;

import org.jspecify.annotations.NullMarked;
