/**
 * Checks on the environment before the context starts: unknown profiles and settings,
 * AOT, unresolved placeholders.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.environment;

import org.jspecify.annotations.NullMarked;
