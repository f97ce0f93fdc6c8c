/**
 * Whether the starter acts on an application at all, and the order of its environment
 * post-processors.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.scope;

import org.jspecify.annotations.NullMarked;
