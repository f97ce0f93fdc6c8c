package io.github.bootconcurrency.autoconfigure.profiles;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.util.StringUtils;

/**
 * The profiles that have configuration, found where Spring Boot looks for it: a
 * profile-specific file ({@code application-prod.yml}), a document activated on the
 * profile ({@code spring.config.activate.on-profile}), or a profile group that names it
 * (the group, or one of its members). Activating a profile
 * ({@code spring.profiles.active}, {@code include}) gives it no configuration, so it does
 * not count.
 *
 * <p>
 * Spring Boot loads only the files of the active profiles, so the others are found by
 * listing the same locations: the class path's root and {@code config/}, the working
 * directory's {@code ./} and {@code ./config/}, or {@code spring.config.location}, and
 * {@code spring.config.additional-location}. A file that cannot be read is passed over:
 * Spring Boot has reported it already.
 */
final class ProfileConfiguration {

	private static final List<String> DEFAULT_LOCATIONS = List.of("classpath:/", "classpath:/config/", "file:./",
			"file:./config/", "file:./config/*/");

	private static final List<String> EXTENSIONS = List.of("properties", "yml", "yaml");

	private static final Pattern PROFILE_EXPRESSION = Pattern.compile("[\\s&|!(),]+");

	private final Set<String> profiles;

	private ProfileConfiguration(Set<String> profiles) {
		this.profiles = profiles;
	}

	/**
	 * Return the profiles that have configuration.
	 * @return the profiles, sorted
	 */
	Set<String> profiles() {
		return this.profiles;
	}

	/**
	 * Find the profiles the configuration mentions.
	 * @param environment the environment, with its configuration loaded
	 * @param resourceLoader the application's resource loader
	 * @return what was found
	 */
	static ProfileConfiguration scan(ConfigurableEnvironment environment, ResourceLoader resourceLoader) {
		ResourcePatternResolver resolver = new PathMatchingResourcePatternResolver(resourceLoader);
		Set<String> profiles = new TreeSet<>();
		List<String> names = List.of(StringUtils
			.commaDelimitedListToStringArray(environment.getProperty("spring.config.name", "application")));
		for (String location : locations(environment)) {
			for (String name : names) {
				for (String extension : EXTENSIONS) {
					for (Resource resource : resources(resolver, location, name, extension)) {
						String file = resource.getFilename();
						if (file != null && file.startsWith(name + "-")) {
							profiles.add(file.substring(name.length() + 1, file.length() - extension.length() - 1));
						}
						profiles.addAll(mentionedIn(resource, extension));
					}
				}
			}
		}
		// What Spring Boot loaded itself, wherever it came from (an import, for example).
		for (PropertySource<?> source : environment.getPropertySources()) {
			if (source.getName().startsWith("Config resource")) {
				profiles.addAll(mentionedIn(source));
			}
		}
		profiles.remove("");
		return new ProfileConfiguration(profiles);
	}

	private static List<String> locations(ConfigurableEnvironment environment) {
		List<String> locations = new ArrayList<>();
		String replaced = environment.getProperty("spring.config.location");
		locations.addAll((replaced != null) ? split(replaced) : DEFAULT_LOCATIONS);
		String additional = environment.getProperty("spring.config.additional-location");
		if (additional != null) {
			locations.addAll(split(additional));
		}
		return locations;
	}

	private static List<String> split(String locations) {
		List<String> split = new ArrayList<>();
		for (String location : StringUtils.commaDelimitedListToStringArray(locations)) {
			String trimmed = location.trim();
			if (trimmed.startsWith("optional:")) {
				trimmed = trimmed.substring("optional:".length());
			}
			if (!trimmed.isEmpty()) {
				split.add(trimmed.contains(":") ? trimmed : "file:" + trimmed);
			}
		}
		return split;
	}

	/**
	 * The configuration files of one name and extension at a location: a directory's
	 * {@code name.ext} and {@code name-*.ext}, or a file and its profile-specific
	 * siblings.
	 */
	private static Set<Resource> resources(ResourcePatternResolver resolver, String location, String name,
			String extension) {
		Set<Resource> resources = new LinkedHashSet<>();
		List<String> patterns = new ArrayList<>();
		if (location.endsWith("/")) {
			String directory = location.startsWith("classpath:") ? "classpath*:" + location.substring(10) : location;
			patterns.add(directory + name + "." + extension);
			patterns.add(directory + name + "-*." + extension);
		}
		else if (location.endsWith("." + extension)) {
			patterns.add(location);
		}
		for (String pattern : patterns) {
			try {
				for (Resource resource : resolver.getResources(pattern)) {
					if (resource.exists()) {
						resources.add(resource);
					}
				}
			}
			catch (IOException | RuntimeException ex) {
				// Not there, or not readable: Spring Boot reports what it needed.
			}
		}
		return resources;
	}

	private static Set<String> mentionedIn(Resource resource, String extension) {
		PropertySourceLoader loader = extension.equals("properties") ? new PropertiesPropertySourceLoader()
				: new YamlPropertySourceLoader();
		Set<String> profiles = new TreeSet<>();
		try {
			for (PropertySource<?> document : loader.load(String.valueOf(resource.getFilename()), resource)) {
				profiles.addAll(mentionedIn(document));
			}
		}
		catch (IOException | RuntimeException ex) {
			// Spring Boot reports a file it cannot read when it loads it.
		}
		return profiles;
	}

	private static Set<String> mentionedIn(PropertySource<?> source) {
		Set<String> profiles = new TreeSet<>();
		if (!(source instanceof EnumerablePropertySource<?> enumerable)) {
			return profiles;
		}
		for (String key : enumerable.getPropertyNames()) {
			String base = key.replaceAll("\\[\\d+]$", "");
			if (base.equals("spring.config.activate.on-profile") || base.startsWith("spring.profiles.group.")) {
				if (base.startsWith("spring.profiles.group.")) {
					profiles.add(base.substring("spring.profiles.group.".length()));
				}
				Object value = enumerable.getProperty(key);
				if (value != null) {
					for (String profile : PROFILE_EXPRESSION.split(value.toString())) {
						profiles.add(profile.trim());
					}
				}
			}
		}
		return profiles;
	}

}
