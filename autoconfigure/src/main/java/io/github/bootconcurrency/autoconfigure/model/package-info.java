/**
 * The concurrency model: which one serves requests, how it is decided, and the condition
 * on it.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.model;

import org.jspecify.annotations.NullMarked;
