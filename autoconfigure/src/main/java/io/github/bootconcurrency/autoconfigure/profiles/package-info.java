/**
 * The check of the active profiles against the profiles that the configuration declares
 * ({@code fail-fast.profiles.*}).
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.profiles;

import org.jspecify.annotations.NullMarked;
