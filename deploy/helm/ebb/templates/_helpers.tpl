{{/* Labels of every object: the kustomize base's, plus Helm's. */}}
{{- define "ebb.labels" -}}
app.kubernetes.io/part-of: ebb
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{/* The scaler's pod selector; the same as the kustomize base's, so either can take over the other's objects. */}}
{{- define "ebb.selector" -}}
app.kubernetes.io/name: ebb-scaler
{{- end }}

{{- define "ebb.namespace" -}}
{{- required "namespace must be set" .Values.namespace -}}
{{- end }}
