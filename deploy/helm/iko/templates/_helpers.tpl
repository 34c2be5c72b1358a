{{/* Names and labels. */}}
{{- define "iko.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "iko.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "iko.labels" -}}
{{ include "iko.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "iko.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* The environment of every IKO container: the plain settings (empty ones left out, so that a
     Secret's key of the same name is not overridden), then the Secret's keys. */}}
{{- define "iko.env" -}}
env:
{{- range $name, $value := .Values.config }}
{{- if ne (toString $value) "" }}
  - name: {{ $name }}
    value: {{ $value | toString | quote }}
{{- end }}
{{- end }}
{{- with .Values.metrics.allowedNetworks }}
  - name: IKO_METRICS_ALLOWED_NETWORKS
    value: {{ join "," . | quote }}
{{- end }}
envFrom:
  - secretRef:
      name: {{ required "secrets.existingSecret: name the Secret with IKO_SECRET_KEY, IKO_PSEUDONYM_KEY, IKO_SECRETS_KEY and DATABASE_URL" .Values.secrets.existingSecret }}
{{- end -}}

{{/* Non-root, no privilege escalation, read-only root filesystem: pod and container parts. */}}
{{- define "iko.podSecurityContext" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
  runAsGroup: 10001
  fsGroup: 10001
  seccompProfile:
    type: RuntimeDefault
{{- end -}}

{{- define "iko.containerSecurityContext" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: ["ALL"]
{{- end -}}

{{/* Writable places under the read-only root: /tmp (gunicorn's heartbeat files, the workers'
     metrics in PROMETHEUS_MULTIPROC_DIR) and IKO_VAR_DIR. */}}
{{- define "iko.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: var
  mountPath: /var/lib/iko
{{- end -}}

{{- define "iko.volumes" -}}
- name: tmp
  emptyDir: {}
- name: var
  emptyDir: {}
{{- end -}}
