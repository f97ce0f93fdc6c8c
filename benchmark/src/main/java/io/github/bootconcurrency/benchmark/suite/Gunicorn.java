package io.github.bootconcurrency.benchmark.suite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.benchmark.results.AppModel;

/**
 * The seed's own stack: the Flask app of this module ({@code flask/app.py}, a resource of
 * the jar) under Debian's {@code /usr/bin/gunicorn}. The suite measures it only when
 * Gunicorn and the Python modules its worker class needs are installed; otherwise
 * {@link #missing} says what to install and the suite goes on without it.
 * <p>
 * The app is copied out of the jar into a directory of its own, given to Gunicorn with
 * {@code --chdir}, so that the suite does not depend on the directory it runs from.
 */
final class Gunicorn {

	static final Path EXECUTABLE = Path.of("/usr/bin/gunicorn");

	/** The interpreter of Debian's {@code gunicorn} script. */
	static final Path PYTHON = Path.of("/usr/bin/python3");

	static final String INSTALL = "apt-get install gunicorn python3-flask python3-gevent";

	static final String APP_RESOURCE = "/flask/app.py";

	/**
	 * Seconds Gunicorn gives its workers to finish on SIGTERM; as the multi-jvm models'
	 * graceful timeout, it only shortens the stop between models.
	 */
	private static final int GRACEFUL_TIMEOUT_SECONDS = 5;

	private Gunicorn() {
	}

	/**
	 * What is missing to run {@code model}, or {@code null} when nothing is.
	 */
	static String missing(AppModel model) {
		if (!Files.isExecutable(EXECUTABLE) || !Files.isExecutable(PYTHON)) {
			return "not installed (no " + EXECUTABLE + "; " + INSTALL + ")";
		}
		String modules = model.appArguments().contains("--worker-class=gevent") ? "flask, gevent" : "flask";
		try {
			Process check = new ProcessBuilder(PYTHON.toString(), "-c", "import " + modules).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!check.waitFor(30, TimeUnit.SECONDS)) {
				check.destroyForcibly();
				return "not measured (" + PYTHON + " -c 'import " + modules + "' did not answer within 30 s)";
			}
			return (check.exitValue() == 0) ? null
					: "not installed (" + PYTHON + " cannot import " + modules + "; " + INSTALL + ")";
		}
		catch (IOException ex) {
			return "not installed (" + ex.getMessage() + "; " + INSTALL + ")";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "not measured (interrupted)";
		}
	}

	/**
	 * Copies the Flask app into {@code directory}.
	 * @return the directory, for {@code --chdir}
	 */
	static Path extractApp(Path directory) throws IOException {
		Files.createDirectories(directory);
		try (InputStream app = Gunicorn.class.getResourceAsStream(APP_RESOURCE)) {
			if (app == null) {
				throw new IOException("No " + APP_RESOURCE + " in the benchmark's classpath");
			}
			Files.copy(app, directory.resolve("app.py"), StandardCopyOption.REPLACE_EXISTING);
		}
		return directory;
	}

	/**
	 * The command that serves the app of {@code appDirectory} on a loopback port the
	 * kernel chooses, which Gunicorn logs ({@code Listening at: http://127.0.0.1:PORT}),
	 * with the worker settings of {@code model}.
	 */
	static List<String> command(AppModel model, Path appDirectory) {
		List<String> command = new ArrayList<>();
		command.add(EXECUTABLE.toString());
		command.add("--bind=127.0.0.1:0");
		command.add("--chdir=" + appDirectory.toAbsolutePath());
		command.add("--graceful-timeout=" + GRACEFUL_TIMEOUT_SECONDS);
		command.addAll(model.appArguments());
		command.add("app:app");
		return command;
	}

}
