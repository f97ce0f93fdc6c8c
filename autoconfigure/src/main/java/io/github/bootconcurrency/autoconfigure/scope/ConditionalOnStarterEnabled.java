package io.github.bootconcurrency.autoconfigure.scope;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches when the starter acts on the application (see {@link StarterScope}):
 * {@code concurrency.enabled} is not {@code false} and the application is not a reactive
 * web application. Every auto-configuration of the starter carries it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@Conditional(OnStarterEnabledCondition.class)
public @interface ConditionalOnStarterEnabled {

}
