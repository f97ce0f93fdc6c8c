package io.github.bootconcurrency.autoconfigure.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A multi-jvm test of a guarantee that both balancers claim: run once under each, with
 * the {@link Balancer} as the test method's argument.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ParameterizedTest(name = "balancer={0}")
@EnumSource(value = Balancer.class, names = { "PROXY", "SHARED_SOCKET" })
public @interface EachBalancer {

}
