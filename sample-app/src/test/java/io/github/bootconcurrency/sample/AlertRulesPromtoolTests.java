package io.github.bootconcurrency.sample;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.Commands;
import io.github.bootconcurrency.autoconfigure.testsupport.Promtool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.github.bootconcurrency.sample.SampleAppAsDeployed.DEPLOY;
import static io.github.bootconcurrency.sample.SampleAppAsDeployed.at;
import static io.github.bootconcurrency.sample.SampleAppAsDeployed.documents;
import static io.github.bootconcurrency.sample.SampleAppAsDeployed.list;
import static io.github.bootconcurrency.sample.SampleAppAsDeployed.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules, checked and unit-tested by Prometheus's own tool: {@code promtool
 * check rules} and {@code promtool test rules} on the synthetic series of
 * {@code concurrency-alerts-tests.yml}, where every alert has a case in which it fires
 * and one in which it does not. Without promtool (Debian's {@code prometheus} package)
 * the promtool cases are skipped, saying so, except where {@code PROMTOOL_REQUIRED=true}
 * (set by {@code .ci/run}, which installs it), where they fail.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AlertRulesPromtoolTests {

	private static final Path RULES = DEPLOY.resolve("prometheus/concurrency-alerts.yml");

	private static final Path RULE_TESTS = DEPLOY.resolve("prometheus/concurrency-alerts-tests.yml");

	@Test
	void promtoolAcceptsTheRules() {
		Commands.Result result = promtool("check", "rules", RULES.toString());
		assertThat(result.exitValue()).as("promtool check rules:\n%s", result.output()).isZero();
	}

	@Test
	void everyAlertFiresOnlyWhenItsUnitTestsSaySo() {
		Commands.Result result = promtool("test", "rules", RULE_TESTS.toString());
		assertThat(result.exitValue()).as("promtool test rules:\n%s", result.output()).isZero();
		assertThat(result.output()).contains("SUCCESS");
	}

	@Test
	void everyAlertHasACaseWhereItFiresAndOneWhereItDoesNot() {
		Set<String> alerts = new TreeSet<>();
		for (Object group : list(at(documents(RULES).get(0), "groups"))) {
			for (Object rule : list(at(group, "rules"))) {
				alerts.add((String) at(rule, "alert"));
			}
		}
		assertThat(alerts).contains("ConcurrencyRequestsWaitLong", "ConcurrencyMetricsAbsent",
				"ConcurrencyPodMetricsMissing", "ConcurrencyRequestsTimedOut", "ConcurrencyWorkersReplacedAfterFailure",
				"ConcurrencyWorkerScrapeErrors");
		Map<String, List<Boolean>> cases = new TreeMap<>();
		Map<String, Object> tests = documents(RULE_TESTS).get(0);
		assertThat(list(at(tests, "rule_files"))).containsExactly(RULES.getFileName().toString());
		for (Object test : list(at(tests, "tests"))) {
			for (Object alertTest : list(map(test).get("alert_rule_test"))) {
				boolean fires = !list(at(alertTest, "exp_alerts")).isEmpty();
				cases.computeIfAbsent((String) at(alertTest, "alertname"), (name) -> new ArrayList<>()).add(fires);
			}
		}
		assertThat(cases.keySet()).as("alerts with unit tests").isEqualTo(alerts);
		cases.forEach((alert, fires) -> assertThat(fires).as("%s fires in one case and not in another", alert)
			.contains(true, false));
	}

	private static Commands.Result promtool(String... arguments) {
		return Promtool.run("the alert rules", arguments);
	}

}
