package io.github.bootconcurrency.autoconfigure.aot;

import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;

/**
 * Thrown at startup when an application processed ahead of time (Spring AOT, a native
 * image) is started with settings that choose another concurrency model than the one it
 * was built for: the generated code holds the beans of the built model only, so running
 * it would silently serve that model, not the one asked for.
 */
public class AheadOfTimeModelMismatchException extends RuntimeException {

	private final ConcurrencyModel builtModel;

	private final String builtReason;

	private final ConcurrencyModel startedModel;

	private final String startedReason;

	/**
	 * Create the exception.
	 * @param builtModel the model the application was processed for
	 * @param builtReason which settings chose it at build time
	 * @param startedModel the model the settings choose at startup
	 * @param startedReason which settings choose it at startup
	 */
	public AheadOfTimeModelMismatchException(ConcurrencyModel builtModel, String builtReason,
			ConcurrencyModel startedModel, String startedReason) {
		super("The application was built ahead of time for the concurrency model '" + builtModel + "' (chosen by "
				+ builtReason + "), but at startup the settings choose '" + startedModel + "' (" + startedReason
				+ "): the code generated at build time holds the beans of '" + builtModel
				+ "' only, and the starter does not serve a model other than the one chosen");
		this.builtModel = builtModel;
		this.builtReason = builtReason;
		this.startedModel = startedModel;
		this.startedReason = startedReason;
	}

	/**
	 * Return the model the application was processed for.
	 * @return the built model
	 */
	public ConcurrencyModel getBuiltModel() {
		return this.builtModel;
	}

	/**
	 * Return which settings chose the built model.
	 * @return the key, its value and where it was set, and the active profiles
	 */
	public String getBuiltReason() {
		return this.builtReason;
	}

	/**
	 * Return the model the settings choose at startup.
	 * @return the model asked for
	 */
	public ConcurrencyModel getStartedModel() {
		return this.startedModel;
	}

	/**
	 * Return which settings choose the model at startup.
	 * @return the key, its value and where it was set, and the active profiles
	 */
	public String getStartedReason() {
		return this.startedReason;
	}

}
