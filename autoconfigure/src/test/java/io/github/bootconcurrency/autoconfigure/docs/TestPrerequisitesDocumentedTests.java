package io.github.bootconcurrency.autoconfigure.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What README.md and CONTRIBUTING.md say the tests need is what
 * {@code scripts/install-test-prerequisites.sh} checks and installs, and both say that it
 * stops the build when it cannot install them; and {@code .ci/run}, which runs it, also
 * installs promtool.
 */
class TestPrerequisitesDocumentedTests {

	private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

	@Test
	void theDocumentsNameEveryPackageTheScriptInstalls() throws IOException {
		Set<String> packages = new LinkedHashSet<>();
		Matcher missing = Pattern.compile("missing\\+=\\(([\\w.-]+)\\)")
			.matcher(Files.readString(ROOT.resolve("scripts/install-test-prerequisites.sh")));
		while (missing.find()) {
			packages.add(missing.group(1));
		}
		assertThat(packages).contains("redis-server", "openssl", "wrk", "gunicorn", "python3-flask", "python3-gevent");
		for (String document : new String[] { "README.md", "CONTRIBUTING.md" }) {
			String text = Files.readString(ROOT.resolve(document)).replaceAll("\\s+", " ");
			for (String name : packages) {
				// redis-tools is the package of redis-cli, which the documents name.
				String named = name.equals("redis-tools") ? "redis-cli" : name;
				assertThat(text.contains("`" + named + "`")).as("%s names `%s`", document, named).isTrue();
			}
			assertThat(text.contains("the build stops")).as("%s says that the build stops without them", document)
				.isTrue();
			assertThat(text.contains("`promtool`")).as("%s names `promtool`", document).isTrue();
		}
		assertThat(Files.readString(ROOT.resolve(".ci/run"))).contains("bash scripts/install-test-prerequisites.sh",
				"apt-get install -y --no-install-recommends prometheus", "export PROMTOOL_REQUIRED=true");
	}

}
