package io.github.bootconcurrency.autoconfigure.model;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches when the application's concurrency model is the given one. The condition report
 * ({@code --debug}) says which key chose the model.
 *
 * @see ModelDecision
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(OnConcurrencyModelCondition.class)
public @interface ConditionalOnConcurrencyModel {

	/**
	 * The model that must be in use.
	 * @return the model
	 */
	ConcurrencyModel value();

}
