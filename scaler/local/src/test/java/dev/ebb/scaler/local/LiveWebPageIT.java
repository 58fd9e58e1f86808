package dev.ebb.scaler.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The live page in a real browser (headless Chromium): it loads, draws the chart, and follows new ticks. */
class LiveWebPageIT {

    private static final Pattern POINTS = Pattern.compile("id=\"chart-orders\"[^>]*data-points=\"(\\d+)\""
            + "|data-points=\"(\\d+)\"[^>]*id=\"chart-orders\"");

    private Vertx vertx;
    private LiveLog log;
    private LiveWebServer server;
    private String url;
    private final Instant start = Instant.parse("2026-01-01T10:00:00Z");
    private int ticks;

    /**
     * Where no browser exists (a fresh machine), the page tests are reported as skipped with the reason; where the
     * environment requires them (CI sets {@value HeadlessChromium#REQUIRE_ENV}), a missing browser fails the build.
     */
    static void needsABrowser() {
        if (HeadlessChromium.find().isEmpty()) {
            if (HeadlessChromium.required()) {
                throw new AssertionError(HeadlessChromium.missingReason() + " (" + HeadlessChromium.REQUIRE_ENV
                        + " is set, so the page tests may not be skipped)");
            }
            Assumptions.abort("skipped: " + HeadlessChromium.missingReason());
        }
    }

    @BeforeEach
    void startServer() {
        needsABrowser();
        vertx = Vertx.vertx();
        log = new LiveLog(1000);
        server = new LiveWebServer(vertx, log, "page test");
        int port = server.listen("127.0.0.1", 0).await();
        url = "http://127.0.0.1:" + port + "/";
    }

    @AfterEach
    void stopServer() {
        if (vertx == null) {
            return;
        }
        server.close();
        vertx.close().await();
    }

    private void tick(long lag, int desired, int current, LiveSample.Change change) {
        ticks++;
        log.record(new LiveSample(start.plusSeconds(ticks), "orders", OptionalLong.of(lag), OptionalDouble.of(500),
                OptionalDouble.of(450), Optional.of(Duration.ofMillis(1500)), desired, current,
                change == LiveSample.Change.NONE ? "HOLD" : "SCALE_UP", "lag " + lag + " -> " + desired,
                change == LiveSample.Change.NONE ? "unchanged" : "scaled " + current + " -> " + desired, change));
    }

    private static int chartPoints(String dom) {
        Matcher m = POINTS.matcher(dom);
        assertThat(m.find()).as("chart of workload 'orders' in the DOM:\n%s", dom).isTrue();
        return Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
    }

    @Test
    void pageDrawsTheChartAndFollowsNewTicks() throws Exception {
        tick(0, 0, 0, LiveSample.Change.NONE);
        log.annotate(start.plusSeconds(1), "burst");
        tick(5000, 4, 4, LiveSample.Change.SCALED);
        tick(3000, 4, 4, LiveSample.Change.NONE);

        String first = HeadlessChromium.dumpDom(url, 3000);

        assertThat(chartPoints(first)).isEqualTo(3);
        assertThat(first).contains("id=\"lag-orders\"").contains("id=\"current-orders\"").contains("page test");
        assertThat(first).containsPattern("id=\"lag-orders\"[^>]*points=\"[0-9.]+,[0-9.]+ [0-9.]+,[0-9.]+");
        assertThat(first).contains("scaled 4 -&gt; 4").contains("burst");

        for (int i = 0; i < 5; i++) {
            tick(3000 - i * 500L, 4, 4, LiveSample.Change.NONE);
        }
        String second = HeadlessChromium.dumpDom(url, 3000);

        assertThat(chartPoints(second)).isEqualTo(8);
    }

    @Test
    void openPageRedrawsTheChartAsTicksArrive() throws Exception {
        tick(100, 1, 1, LiveSample.Change.NONE);
        tick(200, 1, 1, LiveSample.Change.NONE);
        String points = "String(document.getElementById('chart-orders') && "
                + "document.getElementById('chart-orders').getAttribute('data-points'))";
        String lagLine = "String(document.getElementById('lag-orders') && "
                + "document.getElementById('lag-orders').getAttribute('points').split(' ').length)";
        try (HeadlessChromium.Page page = HeadlessChromium.open(url)) {
            assertThat(page.await(points, "2"::equals, Duration.ofSeconds(20))).isEqualTo("2");
            assertThat(page.evaluate(lagLine)).isEqualTo("2");

            tick(9000, 6, 1, LiveSample.Change.SCALED);
            tick(7000, 6, 6, LiveSample.Change.NONE);

            assertThat(page.await(points, "4"::equals, Duration.ofSeconds(20))).isEqualTo("4");
            assertThat(page.evaluate(lagLine)).isEqualTo("4");
            assertThat(page.evaluate("document.querySelector('#decisions tbody').rows.length")).isEqualTo("1");
            assertThat(page.evaluate("document.querySelector('.stats').textContent")).contains("6 / 6");
        }
    }

    @Test
    void stateApiReturnsOnlyEntriesAfterTheGivenSequence() throws Exception {
        tick(10, 1, 1, LiveSample.Change.NONE);
        tick(20, 2, 2, LiveSample.Change.SCALED);
        HttpClient http = HttpClient.newHttpClient();

        String all = http.send(HttpRequest.newBuilder(URI.create(url + "api/state")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String later = http.send(HttpRequest.newBuilder(URI.create(url + "api/state?since=1")).build(),
                HttpResponse.BodyHandlers.ofString()).body();

        io.vertx.core.json.JsonObject allJson = new io.vertx.core.json.JsonObject(all);
        io.vertx.core.json.JsonObject laterJson = new io.vertx.core.json.JsonObject(later);
        assertThat(allJson.getJsonArray("samples")).hasSize(2);
        assertThat(allJson.getJsonArray("decisions")).hasSize(1);
        assertThat(laterJson.getJsonArray("samples")).hasSize(1);
        assertThat(laterJson.getJsonArray("samples").getJsonObject(0).getLong("lag")).isEqualTo(20);
        assertThat(laterJson.getLong("seq")).isEqualTo(2);
    }

    @Test
    void eventStreamPushesEachNewTick() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<java.io.InputStream> stream = http.send(
                HttpRequest.newBuilder(URI.create(url + "api/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.headers().firstValue("content-type")).hasValue("text/event-stream");
        try (java.io.BufferedReader reader = new java.io.BufferedReader(
                new java.io.InputStreamReader(stream.body(), java.nio.charset.StandardCharsets.UTF_8))) {
            assertThat(reader.readLine()).startsWith("retry:");
            tick(42, 1, 1, LiveSample.Change.NONE);
            String line;
            do {
                line = reader.readLine();
            } while (line != null && !line.startsWith("data:"));
            assertThat(line).contains("\"lag\":42");
        }
    }

    @Test
    void unknownPathIsNotFound() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url + "nope")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
    }
}
