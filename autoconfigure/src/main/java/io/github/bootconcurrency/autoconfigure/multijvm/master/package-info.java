/**
 * The multi-jvm master: the loop that supervises worker JVMs, their launch, the balancers
 * and the control channel.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.master;

import org.jspecify.annotations.NullMarked;
