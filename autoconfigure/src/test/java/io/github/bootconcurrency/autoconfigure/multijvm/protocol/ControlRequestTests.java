package io.github.bootconcurrency.autoconfigure.multijvm.protocol;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ControlRequest}, {@link ScrapeRequest} and {@link ControlProtocol}:
 * the wire format is version 1, byte for byte what masters and workers wrote before the
 * codec existed, so that an old master and a new worker (or the reverse, after a reload
 * with a new jar) still understand each other.
 */
class ControlRequestTests {

	private static final String TOKEN = "9f86d081884c7d659a2feaa0c55ad015";

	@Test
	void todaysWireFormatIsVersionOne() {
		assertThat(ControlProtocol.VERSION).isOne();
		assertThat(ControlProtocol.MAX_LINE).isEqualTo(512);
	}

	@Test
	void requestsEncodeAsTheLinesWorkersSentBeforeTheCodec() {
		// The literal lines MasterChannelClient wrote before it used the codec.
		assertThat(ControlProtocol.frame(7, TOKEN, new ControlRequest.Heartbeat(true, 40123, 12, 34, 1, 20, 100, 5, 0)))
			.isEqualTo("7 " + TOKEN + " HEARTBEAT 1 40123 12 34 1 20 100 5 0\n");
		assertThat(ControlProtocol.frame(7, TOKEN, new ControlRequest.Heartbeat(false, 0, 0, 0, 0, -1, -1, -1, 4200)))
			.isEqualTo("7 " + TOKEN + " HEARTBEAT 0 0 0 0 0 -1 -1 -1 4200\n");
		assertThat(ControlProtocol.frame(7, TOKEN, new ControlRequest.Status())).isEqualTo("7 " + TOKEN + " STATUS\n");
		assertThat(ControlProtocol.frame(7, TOKEN, new ControlRequest.Scale(3))).isEqualTo("7 " + TOKEN + " SCALE 3\n");
		assertThat(ControlProtocol.frame(7, TOKEN, new ControlRequest.Reload())).isEqualTo("7 " + TOKEN + " RELOAD\n");
		assertThat(ControlProtocol.frame(7, TOKEN, new ControlRequest.Scrape(Set.of())))
			.isEqualTo("7 " + TOKEN + " SCRAPE\n");
		assertThat(ControlProtocol.frame(7, TOKEN, new ControlRequest.Scrape(names("up", "jvm_threads_live_threads"))))
			.isEqualTo("7 " + TOKEN + " SCRAPE up,jvm_threads_live_threads\n");
	}

	@Test
	void scrapeOfAWorkerEncodesAsTheLineTheMasterSentBeforeTheCodec() {
		// The literal lines ClusterScrape wrote to a worker's socket.
		assertThat(new ScrapeRequest(TOKEN, Set.of()).encode()).isEqualTo(TOKEN + " SCRAPE\n");
		assertThat(new ScrapeRequest(TOKEN, names("up", "http_server_requests")).encode())
			.isEqualTo(TOKEN + " SCRAPE up,http_server_requests\n");
		assertThat(ScrapeRequest.decode(TOKEN + " SCRAPE up,http_server_requests"))
			.hasValue(new ScrapeRequest(TOKEN, names("up", "http_server_requests")));
		assertThat(ScrapeRequest.decode(TOKEN + " SCRAPE")).hasValue(new ScrapeRequest(TOKEN, Set.of()));
		assertThat(ScrapeRequest.decode(TOKEN + " STATUS")).isEmpty();
		assertThat(ScrapeRequest.decode(TOKEN)).isEmpty();
		assertThat(ScrapeRequest.decode("")).isEmpty();
	}

	@Test
	void everyRequestDecodesAsItWasEncoded() {
		List<ControlRequest> requests = List.of(new ControlRequest.Heartbeat(true, 40123, 12, 34, 1, 20, 100, 5, 4200),
				new ControlRequest.Status(), new ControlRequest.Scale(3), new ControlRequest.Reload(),
				new ControlRequest.Scrape(Set.of()),
				new ControlRequest.Scrape(names("up", "jvm_threads_live_threads")));
		for (ControlRequest request : requests) {
			assertThat(ControlRequest.decode(request.encode())).isEqualTo(request);
		}
	}

	@Test
	void theShortestHeartbeatMastersAcceptTodayStillDecodes() {
		// Five fields: a worker older than the heap figures and the stuck time.
		assertThat(ControlRequest.decode("HEARTBEAT 1 40123 12 34 0"))
			.isEqualTo(new ControlRequest.Heartbeat(true, 40123, 12, 34, 0, -1, -1, -1, 0));
		// Fields after those a master reads are ignored: a field added later breaks no
		// reader.
		assertThat(ControlRequest.decode("HEARTBEAT 1 40123 12 34 0 20 100 6 4200 999"))
			.isEqualTo(new ControlRequest.Heartbeat(true, 40123, 12, 34, 0, 20, 100, 6, 4200));
		assertThat(ControlRequest.decode("HEARTBEAT 0 40123 12 34 0 20 100 6 -5"))
			.isEqualTo(new ControlRequest.Heartbeat(false, 40123, 12, 34, 0, 20, 100, 6, 0));
	}

	@Test
	void aRequestThatCannotBeDecodedSaysWhyAsTheMasterAnswersIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> ControlRequest.decode("HEARTBEAT 1 40123"))
			.withMessage("bad arguments for HEARTBEAT");
		assertThatIllegalArgumentException().isThrownBy(() -> ControlRequest.decode("HEARTBEAT 1 40123 12 34 0 twenty"))
			.withMessage("bad arguments for HEARTBEAT");
		assertThatIllegalArgumentException().isThrownBy(() -> ControlRequest.decode("SCALE many"))
			.withMessage("bad arguments for SCALE");
		assertThatIllegalArgumentException().isThrownBy(() -> ControlRequest.decode("SCRAPE up,\"x\""))
			.withMessage("bad arguments for SCRAPE");
		assertThatIllegalArgumentException().isThrownBy(() -> ControlRequest.decode("SHUTDOWN"))
			.withMessage("unknown command SHUTDOWN");
	}

	@Test
	void framesAreReadAsTheMasterReadThemBeforeTheCodec() {
		assertThat(ControlProtocol.Frame.parse("7 " + TOKEN + " SCALE 3"))
			.hasValue(new ControlProtocol.Frame(7, TOKEN, "SCALE 3"));
		assertThat(ControlProtocol.Frame.parse(" 7 " + TOKEN + " RELOAD \n"))
			.hasValue(new ControlProtocol.Frame(7, TOKEN, "RELOAD"));
		assertThat(ControlProtocol.Frame.parse("RELOAD")).isEmpty();
		assertThat(ControlProtocol.Frame.parse("")).isEmpty();
		assertThat(ControlProtocol.Frame.parse(null)).isEmpty();
		assertThat(ControlProtocol.Frame.parse("x7 " + TOKEN + " RELOAD")).isEmpty();
		assertThat(ControlProtocol.Frame.parse("1234567890 " + TOKEN + " RELOAD")).as("too long for an id").isEmpty();
	}

	@Test
	void theScaleAnswerNamesTheTargetTheMasterSet() {
		assertThat(ControlRequest.Scale.answer(3)).isEqualTo("target 3");
		assertThat(ControlRequest.Scale.target(List.of("target 3"))).hasValue(3);
		assertThat(ControlRequest.Scale.target(List.of())).isEqualTo(OptionalInt.empty());
		assertThatIllegalArgumentException().isThrownBy(() -> ControlRequest.Scale.target(List.of("target three")))
			.withMessage("target three");
	}

	private static Set<String> names(String... names) {
		return new LinkedHashSet<>(List.of(names));
	}

}
