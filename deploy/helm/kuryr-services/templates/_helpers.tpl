{{/* Names and labels shared by every template. */}}

{{/* The name of every object: the release name (kuryr-services in deploy/). */}}
{{- define "kuryr-services.fullname" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select the controller's pods. */}}
{{- define "kuryr-services.selectorLabels" -}}
app.kubernetes.io/name: kuryr-services
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of every object. */}}
{{- define "kuryr-services.labels" -}}
{{ include "kuryr-services.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: controller
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
metadata.labels and, when any, metadata.annotations of every object.
Call with (dict "ctx" $ ["annotations" EXTRA] ["labels" MORE]): EXTRA is merged over
commonAnnotations, MORE is added to the labels.
*/}}
{{- define "kuryr-services.metadata" -}}
{{- $annotations := merge (deepCopy (.annotations | default dict)) .ctx.Values.commonAnnotations -}}
labels:
  {{- include "kuryr-services.labels" .ctx | nindent 2 }}
  {{- with .labels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- with $annotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The Lease's namespace. */}}
{{- define "kuryr-services.leaseNamespace" -}}
{{- .Values.leaderElection.namespace | default .Release.Namespace -}}
{{- end -}}

{{- define "kuryr-services.serviceAccountName" -}}
{{- .Values.serviceAccount.name | default (include "kuryr-services.fullname" .) -}}
{{- end -}}

{{- define "kuryr-services.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}
