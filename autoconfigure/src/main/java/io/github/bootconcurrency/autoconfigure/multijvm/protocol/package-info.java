/**
 * The control protocol a multi-jvm master and its workers speak: requests, answers, the
 * cluster view and the protocol's version.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.protocol;

import org.jspecify.annotations.NullMarked;
