package dev.ebb.scaler.k8s;

import dev.ebb.scaler.workload.spec.ScaledWorkload;
import io.fabric8.crdv2.generator.CRDGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Generates the ScaledWorkload CustomResourceDefinition from the Java model, so the schema never drifts from the
 * code. {@code main} writes {@code deploy/crd/}; a test fails when the committed file differs from a fresh one.
 */
public final class ScaledWorkloadCrd {

    /** File name the generator gives the v1 CRD. */
    public static final String FILE_NAME = "scaledworkloads.ebb.dev-v1.yml";

    private ScaledWorkloadCrd() {
    }

    /** Writes the CRD into {@code dir} and returns the file. */
    public static Path generate(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        new CRDGenerator()
                .inOutputDir(dir.toFile())
                .forCRDVersions("v1")
                .customResourceClasses(ScaledWorkload.class)
                .generate();
        return dir.resolve(FILE_NAME);
    }

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "deploy/crd");
        System.out.println("Wrote " + generate(dir));
    }
}
