{{/* The chart name, or nameOverride. */}}
{{- define "agent-stack-k8s.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The name every object is derived from. A release already named after the chart
is not repeated ("agent-stack-k8s", not "agent-stack-k8s-agent-stack-k8s").
Kubernetes names are limited to 63 characters.
*/}}
{{- define "agent-stack-k8s.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "agent-stack-k8s.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Labels of every object. "app" is what the Deployment selects on, kept from the
original chart so that upgrading from it does not change the immutable selector.
*/}}
{{- define "agent-stack-k8s.labels" -}}
app: {{ include "agent-stack-k8s.fullname" . }}
app.kubernetes.io/name: {{ include "agent-stack-k8s.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{- define "agent-stack-k8s.selectorLabels" -}}
app: {{ include "agent-stack-k8s.fullname" . }}
{{- end -}}

{{/* Name of the Secret holding the agent token. */}}
{{- define "agent-stack-k8s.tokenSecretName" -}}
{{- if .Values.agentStackSecret -}}
{{- .Values.agentStackSecret -}}
{{- else -}}
{{- printf "%s-secrets" (include "agent-stack-k8s.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "agent-stack-k8s.serviceAccountName" -}}
{{- if .Values.serviceAccount.name -}}
{{- .Values.serviceAccount.name -}}
{{- else if .Values.serviceAccount.create -}}
{{- printf "%s-controller" (include "agent-stack-k8s.fullname" .) -}}
{{- else -}}
{{- fail "serviceAccount.name must be set when serviceAccount.create is false" -}}
{{- end -}}
{{- end -}}

{{- define "agent-stack-k8s.image" -}}
{{- .Values.image | default (printf "agent-stack-k8s:%s" .Chart.AppVersion) -}}
{{- end -}}

{{/*
The controller config as a dict: the values the chart derives from the release,
overridden by .Values.config. Building one dict (instead of printing the derived
keys before the user's YAML) means a key given twice cannot reach the file.
*/}}
{{- define "agent-stack-k8s.config" -}}
{{- $config := deepCopy (.Values.config | default dict) -}}
{{- $namespace := get $config "namespace" | default .Release.Namespace -}}
{{- if ne (toString $namespace) .Release.Namespace -}}
{{- fail (printf "config.namespace is %q but the release namespace is %q: the controller's Role is granted only in the release namespace, so install the release there (helm install --namespace %s) instead of setting config.namespace" (toString $namespace) .Release.Namespace (toString $namespace)) -}}
{{- end -}}
{{- $derived := dict
  "agent-token-secret" (include "agent-stack-k8s.tokenSecretName" .)
  "namespace" .Release.Namespace
  "id" (include "agent-stack-k8s.fullname" .)
-}}
{{- if gt (int .Values.replicaCount) 1 -}}
{{- if and (hasKey $config "leader-election") (not (get $config "leader-election")) -}}
{{- fail (printf "replicaCount is %d but config.leader-election is false: several controllers without leader election would create duplicate pods for the same Buildkite jobs; remove config.leader-election or set replicaCount to 1" (int .Values.replicaCount)) -}}
{{- end -}}
{{- $_ := set $derived "leader-election" true -}}
{{- end -}}
{{- toYaml (merge $config $derived) -}}
{{- end -}}

{{/* Whether the controller runs leader election (and so needs leases). */}}
{{- define "agent-stack-k8s.leaderElection" -}}
{{- $config := include "agent-stack-k8s.config" . | fromYaml -}}
{{- if get $config "leader-election" -}}true{{- end -}}
{{- end -}}

{{/* Namespace of the monitoring objects. */}}
{{- define "agent-stack-k8s.monitoringNamespace" -}}
{{- .Values.monitoring.namespace | default .Release.Namespace -}}
{{- end -}}

{{/* Port of /metrics, 0 when turned off. */}}
{{- define "agent-stack-k8s.prometheusPort" -}}
{{- $config := include "agent-stack-k8s.config" . | fromYaml -}}
{{- get $config "prometheus-port" | default 0 | int -}}
{{- end -}}

{{/* Port of /healthz and /readyz; the controller's default is 8080. */}}
{{- define "agent-stack-k8s.healthPort" -}}
{{- $config := include "agent-stack-k8s.config" . | fromYaml -}}
{{- if hasKey $config "health-port" -}}
{{- get $config "health-port" | int -}}
{{- else -}}
8080
{{- end -}}
{{- end -}}
