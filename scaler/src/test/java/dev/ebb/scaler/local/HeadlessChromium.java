package dev.ebb.scaler.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs Debian's headless Chromium against a page and returns the DOM after its scripts ran. */
public final class HeadlessChromium {

    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable");

    private HeadlessChromium() {
    }

    /** The Chromium binary; fails with install instructions when there is none. */
    public static Path binary() {
        String configured = System.getenv("EBB_CHROMIUM");
        if (configured != null && Files.isExecutable(Path.of(configured))) {
            return Path.of(configured);
        }
        for (String candidate : CANDIDATES) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        throw new AssertionError("The web page test needs headless Chromium, and none was found at " + CANDIDATES
                + ". Install it with `sudo apt-get install -y chromium` (Debian/Ubuntu; CI does this) or point "
                + "EBB_CHROMIUM at a Chromium/Chrome binary.");
    }

    /**
     * Loads {@code url}, lets its scripts run for {@code virtualTimeMillis} of virtual time (timers and fetches
     * complete), and returns the serialized DOM.
     */
    public static String dumpDom(String url, int virtualTimeMillis) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("ebb-chromium-");
        try {
            List<String> command = new ArrayList<>(List.of(binary().toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage",
                    "--no-first-run", "--user-data-dir=" + profile,
                    "--virtual-time-budget=" + virtualTimeMillis, "--dump-dom", url));
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("Chromium did not finish within 60 s: " + command);
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("Chromium exited with " + p.exitValue() + ": " + command);
            }
            return new String(out, java.nio.charset.StandardCharsets.UTF_8);
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
