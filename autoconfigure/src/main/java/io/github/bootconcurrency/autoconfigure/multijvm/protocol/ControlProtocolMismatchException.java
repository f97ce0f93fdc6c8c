package io.github.bootconcurrency.autoconfigure.multijvm.protocol;

/**
 * Thrown when a worker JVM's master speaks another version of the control protocol than
 * the worker: most likely the master was reloaded with a jar of another version of the
 * starter. The worker then fails at boot, before the application starts.
 */
public class ControlProtocolMismatchException extends RuntimeException {

	private final int workerVersion;

	private final String masterVersion;

	/**
	 * Create the exception.
	 * @param workerVersion the version the worker speaks
	 * @param masterVersion the version its master set
	 */
	public ControlProtocolMismatchException(int workerVersion, String masterVersion) {
		super("This multi-jvm worker speaks control protocol " + workerVersion + ", its master " + masterVersion
				+ ": restart the master; a reload cannot change the protocol");
		this.workerVersion = workerVersion;
		this.masterVersion = masterVersion;
	}

	/**
	 * Return the version the worker speaks.
	 * @return the version
	 */
	public int getWorkerVersion() {
		return this.workerVersion;
	}

	/**
	 * Return the version the master set.
	 * @return the version, as the master wrote it
	 */
	public String getMasterVersion() {
		return this.masterVersion;
	}

}
