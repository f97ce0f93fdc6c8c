/**
 * Types shared by a multi-jvm master and its workers: forwarding and the workers'
 * environment.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm;

import org.jspecify.annotations.NullMarked;
