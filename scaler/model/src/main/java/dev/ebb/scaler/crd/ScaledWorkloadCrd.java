package dev.ebb.scaler.crd;

import dev.ebb.scaler.workload.spec.ScaledWorkload;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

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
                .withPostProcessor(new CRDPostProcessor() {
                    @Override
                    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
                        return orderColumns(CrdSchemaRules.apply(crd));
                    }
                })
                .generate();
        return dir.resolve(FILE_NAME);
    }

    /**
     * kubectl shows printer columns in CRD order, and the generator does not keep the annotations' order: put them
     * in reading order (what, how much backlog, what Ebb wants and has, how, since when).
     */
    private static HasMetadata orderColumns(HasMetadata resource) {
        if (resource instanceof CustomResourceDefinition crd) {
            for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
                if (v.getAdditionalPrinterColumns() != null) {
                    List<CustomResourceColumnDefinition> columns = new ArrayList<>(v.getAdditionalPrinterColumns());
                    columns.sort(Comparator.comparingInt(c -> {
                        int i = COLUMN_ORDER.indexOf(c.getName());
                        return i < 0 ? COLUMN_ORDER.size() : i;
                    }));
                    v.setAdditionalPrinterColumns(columns);
                }
            }
        }
        return resource;
    }

    private static final List<String> COLUMN_ORDER = List.of("Target", "Lag", "Time-Lag", "Desired", "Current",
            "Mode", "Ready", "Reason", "Age");

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "deploy/crd");
        System.out.println("Wrote " + generate(dir));
    }
}
