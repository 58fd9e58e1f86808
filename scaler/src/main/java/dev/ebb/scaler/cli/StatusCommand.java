package dev.ebb.scaler.cli;

import dev.ebb.scaler.workload.spec.ScaledWorkload;
import dev.ebb.scaler.workload.spec.ScaledWorkloadStatus;
import dev.ebb.scaler.workload.spec.WorkloadCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ebb status}: every ScaledWorkload with its lag, desired and current replicas and the last decision's
 * reason, read from the cluster (the status the leading scaler writes).
 */
public final class StatusCommand {

    @Command(name = "ebb status", description = {"Lists ScaledWorkloads with lag, desired and current replicas "
        + "and the last reason, from the cluster (~/.kube/config or in-cluster config).", ""})
    static final class Spec {
        @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "only this namespace (default: the "
                + "client's namespace)")
        String namespace;
        @Option(names = {"-A", "--all-namespaces"}, description = "every namespace")
        boolean all;

        Spec check() {
            if (all && namespace != null) {
                throw new IllegalArgumentException("--namespace cannot be combined with --all-namespaces");
            }
            return this;
        }
    }

    private StatusCommand() {
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run("status", args, out, err, a -> Cli.parse(new Spec(), a, Spec::check), spec -> {
            try (KubernetesClient client = new KubernetesClientBuilder().build()) {
                return print(client, spec.all ? Scope.ALL : Scope.NAMESPACE, spec.namespace, out, err);
            } catch (KubernetesClientException e) {
                err.println("ebb status: cannot reach the Kubernetes API: " + e.getMessage());
                return Cli.FAILED;
            }
        });
    }

    enum Scope { ALL, NAMESPACE }

    static int print(KubernetesClient client, Scope scope, String namespace, PrintStream out, PrintStream err) {
        List<ScaledWorkload> items;
        try {
            items = new ArrayList<>(scope == Scope.ALL
                    ? client.resources(ScaledWorkload.class).inAnyNamespace().list().getItems()
                    : client.resources(ScaledWorkload.class)
                            .inNamespace(namespace != null ? namespace : client.getNamespace()).list().getItems());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                err.println("ebb status: the ScaledWorkload resource is not installed: kubectl apply -k deploy/");
            } else {
                err.println("ebb status: cannot list ScaledWorkloads (HTTP " + e.getCode() + "): " + e.getMessage());
            }
            return 1;
        }
        if (items.isEmpty()) {
            out.println("No ScaledWorkloads found.");
            return 0;
        }
        items.sort(Comparator.comparing((ScaledWorkload s) -> s.getMetadata().getNamespace())
                .thenComparing(s -> s.getMetadata().getName()));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAMESPACE", "NAME", "TARGET", "LAG", "TIME-LAG", "DESIRED", "CURRENT", "MODE",
            "READY", "REASON"});
        for (ScaledWorkload sw : items) {
            ScaledWorkloadStatus s = sw.getStatus() == null ? new ScaledWorkloadStatus() : sw.getStatus();
            Optional<WorkloadCondition> ready = s.condition("Ready");
            String reason = ready.filter(c -> "False".equals(c.getStatus())).map(WorkloadCondition::getMessage)
                    .orElse(s.getLastReason());
            rows.add(new String[] {sw.getMetadata().getNamespace(), sw.getMetadata().getName(),
                sw.getSpec() == null || sw.getSpec().getScaleTargetRef() == null ? "-"
                        : sw.getSpec().getScaleTargetRef().getKind() + "/" + sw.getSpec().getScaleTargetRef().getName(),
                text(s.getLag()), text(s.getTimeLag()), text(s.getDesiredReplicas()), text(s.getCurrentReplicas()),
                text(s.getMode()), ready.map(WorkloadCondition::getStatus).orElse("-"), text(reason)});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length - 1; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                sb.append(i < r.length - 1 ? String.format("%-" + (widths[i] + 2) + "s", r[i]) : r[i]);
            }
            out.println(sb.toString().stripTrailing());
        }
        return 0;
    }

    private static String text(Object o) {
        return o == null ? "-" : o.toString();
    }
}
