/**
 * Auto-configuration of the concurrency models (platform, virtual, multi-jvm) and the
 * `concurrency.*` properties.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure;

import org.jspecify.annotations.NullMarked;
