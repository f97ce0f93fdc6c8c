package io.github.bootconcurrency.autoconfigure.model;

import java.util.List;
import java.util.Optional;

import io.github.bootconcurrency.autoconfigure.validation.ConfiguredValue;
import io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException;
import io.github.bootconcurrency.autoconfigure.validation.Violation;

import org.springframework.core.env.Environment;

/**
 * Which concurrency model serves requests, and why.
 *
 * <p>
 * {@code concurrency.model} wins when it is set. Otherwise Spring Boot's own
 * {@code spring.threads.virtual.enabled=true} means the virtual model, so that an app
 * that only sets Boot's key keeps its meaning. When both are set they must agree: a
 * platform model with Boot's virtual threads switched on (or the reverse) is a
 * contradiction the user has to settle, not one we settle silently.
 *
 * @param model the chosen model
 * @param reason which key (and which file or profile) chose it
 * @param activeProfiles the active profiles
 */
public record ModelDecision(ConcurrencyModel model, String reason, List<String> activeProfiles) {

	/**
	 * The key that chooses the model.
	 */
	public static final String MODEL_KEY = "concurrency.model";

	/**
	 * Spring Boot's own switch for virtual threads.
	 */
	public static final String VIRTUAL_THREADS_KEY = "spring.threads.virtual.enabled";

	private static final String DEFAULT_CHOICE = "default (" + MODEL_KEY + " is not set)";

	/**
	 * Return which setting chose the model: the {@link #reason} without the active
	 * profiles, for a message that names the profiles its own way.
	 * @return the key, its value and where it was set, or empty if no setting chose the
	 * model and it is the default
	 */
	public Optional<String> choice() {
		String profiles = withProfiles(this.activeProfiles);
		String choice = this.reason.endsWith(profiles)
				? this.reason.substring(0, this.reason.length() - profiles.length()) : this.reason;
		return choice.equals(DEFAULT_CHOICE) ? Optional.empty() : Optional.of(choice);
	}

	/**
	 * Decide the model from the environment.
	 * @param environment the environment
	 * @return the decision
	 * @throws InvalidSettingsException if the model is unknown or contradicts
	 * {@code spring.threads.virtual.enabled}
	 */
	public static ModelDecision resolve(Environment environment) {
		List<String> profiles = List.of(environment.getActiveProfiles());
		ConfiguredValue model = ConfiguredValue.find(environment, MODEL_KEY);
		ConfiguredValue virtualThreads = ConfiguredValue.find(environment, VIRTUAL_THREADS_KEY);
		Boolean virtualThreadsEnabled = (virtualThreads != null) ? parseBoolean(virtualThreads, profiles) : null;
		if (model == null) {
			if (Boolean.TRUE.equals(virtualThreadsEnabled)) {
				return new ModelDecision(ConcurrencyModel.VIRTUAL, virtualThreads.describe() + withProfiles(profiles),
						profiles);
			}
			return new ModelDecision(ConcurrencyModel.PLATFORM, DEFAULT_CHOICE + withProfiles(profiles), profiles);
		}
		ConcurrencyModel chosen = ConcurrencyModel.fromValue(String.valueOf(model.value()));
		if (chosen == null) {
			throw new InvalidSettingsException(
					List.of(Violation.notAllowed(model, MODEL_KEY, model.value(), ConcurrencyModel.allowedValues())),
					profiles);
		}
		if (virtualThreadsEnabled != null && contradicts(chosen, virtualThreadsEnabled)) {
			throw new InvalidSettingsException(List.of(new Violation(MODEL_KEY, model.value(), model.origin(),
					"contradicts " + virtualThreads.describe(),
					"Remove " + VIRTUAL_THREADS_KEY + " and choose the model with " + MODEL_KEY
							+ " alone, or make the two keys agree (virtual threads on for 'virtual', off for 'platform').")),
					profiles);
		}
		return new ModelDecision(chosen, model.describe() + withProfiles(profiles), profiles);
	}

	/**
	 * Return the model {@code concurrency.model} names, without checking it against
	 * {@code spring.threads.virtual.enabled} and without failing: for the code that runs
	 * before the context (and before {@link #resolve} reports a bad value with the
	 * others).
	 * @param environment the environment
	 * @return the model, or empty if the key is not set or names no model
	 */
	public static Optional<ConcurrencyModel> chosen(Environment environment) {
		String model = environment.getProperty(MODEL_KEY);
		return (model != null) ? Optional.ofNullable(ConcurrencyModel.fromValue(model)) : Optional.empty();
	}

	/**
	 * Return the decision a multi-jvm master makes for its workers: the model of
	 * {@code concurrency.multi-jvm.worker-model}, which the master passes to each worker.
	 * @param workerModel the workers' model
	 * @param activeProfiles the active profiles
	 * @return the decision
	 */
	public static ModelDecision forWorkers(ConcurrencyModel workerModel, List<String> activeProfiles) {
		return new ModelDecision(workerModel, "concurrency.multi-jvm.worker-model=" + workerModel.value(),
				activeProfiles);
	}

	private static boolean contradicts(ConcurrencyModel model, boolean virtualThreadsEnabled) {
		return switch (model) {
			case PLATFORM -> virtualThreadsEnabled;
			case VIRTUAL -> !virtualThreadsEnabled;
			case MULTI_JVM -> false;
		};
	}

	private static Boolean parseBoolean(ConfiguredValue value, List<String> profiles) {
		String text = String.valueOf(value.value()).trim();
		if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
			return Boolean.valueOf(text);
		}
		throw new InvalidSettingsException(
				List.of(Violation.notAllowed(value, value.key(), value.value(), "true, false")), profiles);
	}

	private static String withProfiles(List<String> profiles) {
		return profiles.isEmpty() ? "" : ", active profiles: " + String.join(", ", profiles);
	}

}
