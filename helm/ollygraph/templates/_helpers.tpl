{{/* Chart name for the app.kubernetes.io/name label. */}}
{{- define "ollygraph.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Prefix of every object name: fullnameOverride, else the release name. */}}
{{- define "ollygraph.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "ollygraph.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Image tag: the tag value, else the chart's appVersion. */}}
{{- define "ollygraph.version" -}}
{{- default .Chart.AppVersion .Values.image.tag -}}
{{- end -}}

{{- define "ollygraph.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (include "ollygraph.version" .) -}}
{{- end -}}
{{- end -}}

{{/* Selector labels; call with (dict "ctx" $ "component" "ingest"). */}}
{{- define "ollygraph.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ollygraph.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{/* All labels of an object; call with (dict "ctx" $ "component" "ingest"); the component may be "". */}}
{{- define "ollygraph.labels" -}}
helm.sh/chart: {{ include "ollygraph.chart" .ctx }}
{{ include "ollygraph.selectorLabels" . }}
app.kubernetes.io/part-of: ollygraph
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/version: {{ include "ollygraph.version" .ctx | trunc 63 | quote }}
{{- with .component }}
app: {{ printf "%s-%s" (include "ollygraph.fullname" $.ctx) . }}
{{- end }}
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "ollygraph.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "ollygraph.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "ollygraph.cnpgCluster" -}}
{{- default (printf "%s-db" (include "ollygraph.fullname" .)) .Values.cnpg.clusterName -}}
{{- end -}}

{{- define "ollygraph.overridesConfigMap" -}}
{{- default (printf "%s-attribute-overrides" (include "ollygraph.fullname" .)) .Values.attributeOverrides.existingConfigMap -}}
{{- end -}}

{{/*
The database environment of a container; call with (dict "ctx" $ "access" "rw") or "ro".
rw is the primary (ingest, migrations, retention); ro is for the read-only gateway: the
CloudNativePG `-ro` service when the cluster has replicas, or the external read-only URL.
*/}}
{{- define "ollygraph.databaseEnv" -}}
{{- $v := .ctx.Values -}}
{{- if $v.cnpg.enabled }}
{{- $cluster := include "ollygraph.cnpgCluster" .ctx -}}
{{- $service := "rw" -}}
{{- if and (eq .access "ro") (gt (int $v.cnpg.instances) 1) -}}
{{- $service = "ro" -}}
{{- end }}
- name: PGUSER
  valueFrom:
    secretKeyRef:
      name: {{ $cluster }}-app
      key: username
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $cluster }}-app
      key: password
- name: OLLYGRAPH_DATABASE_URL
  value: {{ printf "postgresql://%s-%s:5432/%s" $cluster $service $v.cnpg.database | quote }}
{{- else }}
{{- if not $v.externalDatabase.existingSecret }}
{{- fail "set cnpg.enabled=true, or externalDatabase.existingSecret to a Secret holding the database URL" }}
{{- end }}
{{- $secret := $v.externalDatabase.existingSecret -}}
{{- $key := $v.externalDatabase.urlKey -}}
{{- if and (eq .access "ro") $v.externalDatabase.readOnlyUrlKey -}}
{{- $secret = default $v.externalDatabase.existingSecret $v.externalDatabase.readOnlyExistingSecret -}}
{{- $key = $v.externalDatabase.readOnlyUrlKey -}}
{{- end }}
- name: OLLYGRAPH_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $key }}
{{- end }}
- name: OLLYGRAPH_SCHEMA
  value: {{ $v.schema | quote }}
- name: OLLYGRAPH_LOG_LEVEL
  value: {{ $v.logLevel | quote }}
- name: OLLYGRAPH_LOG_FORMAT
  value: {{ $v.logFormat | quote }}
- name: OLLYGRAPH_DATA_DIR
  value: /tmp/ollygraph
{{- with $v.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
The initContainer that keeps an app from starting until the schema is at the head
revision; call with (dict "ctx" $ "access" "rw").
*/}}
{{- define "ollygraph.waitForSchema" -}}
{{- $v := .ctx.Values -}}
- name: wait-for-schema
  image: {{ include "ollygraph.image" .ctx }}
  imagePullPolicy: {{ $v.image.pullPolicy }}
  command: ["/bin/sh", "-c"]
  args:
    - |
      attempt=1
      until ollygraph migrate check; do
        if [ "$attempt" -ge {{ int $v.migration.checkAttempts }} ]; then
          echo "the schema is still not at the head revision; is the migration Job failing?" >&2
          exit 1
        fi
        echo "waiting for the migration Job (attempt $attempt)"
        attempt=$((attempt + 1))
        sleep {{ int $v.migration.checkIntervalSeconds }}
      done
  env:
    {{- include "ollygraph.databaseEnv" . | trim | nindent 4 }}
  securityContext:
    {{- toYaml $v.securityContext | nindent 4 }}
  resources:
    {{- toYaml $v.migration.resources | nindent 4 }}
  volumeMounts:
    - name: tmp
      mountPath: /tmp
{{- end -}}

{{/* Pod-level fields shared by every pod; call with (dict "ctx" $ "serviceAccount" name). */}}
{{- define "ollygraph.podCommon" -}}
{{- $v := .ctx.Values -}}
serviceAccountName: {{ .serviceAccount }}
automountServiceAccountToken: {{ $v.serviceAccount.automountServiceAccountToken }}
securityContext:
  {{- toYaml $v.podSecurityContext | nindent 2 }}
{{- with $v.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Scheduling fields of a component's pods; call with the component's values. */}}
{{- define "ollygraph.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
Pod annotations of an app: its podAnnotations, plus the scrape annotations when
metrics.podAnnotations is on; call with (dict "ctx" $ "annotations" $c.podAnnotations "port" 4318).
*/}}
{{- define "ollygraph.scrapeAnnotations" -}}
{{- $annotations := deepCopy .annotations -}}
{{- if .ctx.Values.metrics.podAnnotations }}
{{- $_ := set $annotations "prometheus.io/scrape" "true" }}
{{- $_ := set $annotations "prometheus.io/port" (toString .port) }}
{{- $_ := set $annotations "prometheus.io/path" "/metrics" }}
{{- end }}
{{- toYaml $annotations -}}
{{- end -}}

{{/*
Authentication of ingest and the gateway (values `auth`): the environment, and the keys
file mounted from a Secret. With auth off the pods still listen on all addresses, which
needs OLLYGRAPH_ALLOW_UNAUTHENTICATED; the chart sets it only then.
*/}}
{{- define "ollygraph.authEnv" -}}
{{- $a := .Values.auth -}}
- name: OLLYGRAPH_AUTH
  value: {{ ternary "on" "off" $a.enabled | quote }}
{{- if not $a.enabled }}
- name: OLLYGRAPH_ALLOW_UNAUTHENTICATED
  value: "on"
{{- end }}
{{- if and $a.enabled $a.keysSecret }}
- name: OLLYGRAPH_API_KEYS_FILE
  value: /etc/ollygraph/auth/keys
{{- end }}
{{- end -}}

{{- define "ollygraph.authMount" -}}
{{- if and .Values.auth.enabled .Values.auth.keysSecret }}
- name: api-keys
  mountPath: /etc/ollygraph/auth/keys
  subPath: {{ .Values.auth.keysSecretKey }}
  readOnly: true
{{- end }}
{{- end -}}

{{- define "ollygraph.authVolume" -}}
{{- if and .Values.auth.enabled .Values.auth.keysSecret }}
- name: api-keys
  secret:
    secretName: {{ .Values.auth.keysSecret }}
{{- end }}
{{- end -}}
