package io.github.bootconcurrency.autoconfigure.testsupport;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.ConcurrencyAutoConfiguration;

/**
 * The same class path as a test's, as an application that does not depend on the starter
 * sees it: every class loads, but none of the starter's registrations ({@code META-INF/}
 * files: its environment post-processors, failure analyzers, auto-configurations and
 * configuration metadata) is found, so Spring Boot runs none of its code. A
 * {@code SpringApplication} given this loader is the application without the starter, to
 * compare with the same application with it.
 */
public final class WithoutStarter extends ClassLoader {

	private final String starterLocation;

	private WithoutStarter(ClassLoader parent) {
		super(parent);
		this.starterLocation = ConcurrencyAutoConfiguration.class.getProtectionDomain()
			.getCodeSource()
			.getLocation()
			.toString();
	}

	/**
	 * Return a class loader that hides the starter's registrations.
	 * @return the class loader
	 */
	public static ClassLoader classLoader() {
		return new WithoutStarter(WithoutStarter.class.getClassLoader());
	}

	@Override
	public URL getResource(String name) {
		Enumeration<URL> resources;
		try {
			resources = getResources(name);
		}
		catch (IOException ex) {
			return null;
		}
		return resources.hasMoreElements() ? resources.nextElement() : null;
	}

	@Override
	public Enumeration<URL> getResources(String name) throws IOException {
		List<URL> visible = new ArrayList<>();
		for (URL url : Collections.list(getParent().getResources(name))) {
			if (!(name.startsWith("META-INF/") && isStarters(url))) {
				visible.add(url);
			}
		}
		return Collections.enumeration(visible);
	}

	private boolean isStarters(URL url) {
		String text = url.toString();
		return text.startsWith(this.starterLocation)
				|| text.startsWith("jar:" + this.starterLocation.replaceFirst("/$", "") + "!");
	}

}
