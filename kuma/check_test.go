package kuma

import (
	"testing"
)

// Valid Kuma 2.5 documents, written with the shapes FACTS.md records and
// the optional fields Kuma 2.5 documents for each type, must pass Check:
// a false "unknown key" on a valid policy would stop up and apply.
func TestCheckAcceptsValidKuma25Documents(t *testing.T) {
	docs := map[string]string{
		"mesh.yaml": `type: Mesh
name: default
labels: {team: hms}
skipCreatingInitialPolicies: ["*"]
mtls:
  enabledBackend: ca-1
  skipValidation: false
  backends:
    - name: ca-1
      type: builtin
      mode: STRICT
      dpCert: {rotation: {expiration: 24h}, requestTimeout: 10s}
      rootChain: {requestTimeout: 10s}
      conf: {caCert: {RSAbits: 2048, expiration: 10y}}
metrics:
  enabledBackend: prometheus-1
  backends: [{name: prometheus-1, type: prometheus, conf: {port: 5670, path: /metrics, skipMTLS: true}}]
tracing:
  defaultBackend: zipkin-1
  backends: [{name: zipkin-1, type: zipkin, sampling: 100.0, conf: {url: "http://zipkin:9411/api/v2/spans", apiVersion: httpJson}}]
logging:
  defaultBackend: file-1
  backends: [{name: file-1, type: file, format: "%START_TIME%", conf: {path: /tmp/access.log}}]
networking: {outbound: {passthrough: false}}
routing: {localityAwareLoadBalancing: true, zoneEgress: false}
constraints: {dataplaneProxy: {requirements: [{tags: {kuma.io/zone: east}}]}}
`,
		"dataplane.yaml": `type: Dataplane
mesh: default
name: svc
networking:
  address: svc
  advertisedAddress: 10.0.0.1
  inbound:
    - port: 18080
      servicePort: 8080
      serviceAddress: 127.0.0.1
      tags: {kuma.io/service: svc, kuma.io/protocol: http}
      health: {ready: true}
      serviceProbe: {interval: 1s, timeout: 1s, healthyThreshold: 1, unhealthyThreshold: 1, tcp: {}}
  outbound:
    - {port: 10001, address: 127.0.0.1, tags: {kuma.io/service: other}}
  admin: {port: 9901}
  transparentProxying: {redirectPortInbound: 15006, redirectPortOutbound: 15001}
metrics: {type: prometheus, conf: {port: 5670}}
probes: {port: 9000, endpoints: [{inboundPort: 8080, inboundPath: /health, path: /probe}]}
`,
		"gateway.yaml": `type: Dataplane
mesh: default
name: kong
networking:
  address: kong
  gateway: {type: DELEGATED, tags: {kuma.io/service: kong}}
  outbound: [{port: 10001, tags: {kuma.io/service: svc}}]
`,
		"retry.yaml": `type: MeshRetry
mesh: default
name: retry
spec:
  targetRef: {kind: Mesh}
  to:
    - targetRef: {kind: MeshService, name: svc}
      default:
        tcp: {maxConnectAttempt: 3}
        http:
          numRetries: 3
          perTryTimeout: 2s
          backOff: {baseInterval: 100ms, maxInterval: 1s}
          rateLimitedBackOff: {resetHeaders: [{name: retry-after, format: Seconds}], maxInterval: 30s}
          retryOn: ["503", "5xx"]
          retriableResponseHeaders: [{name: x-retry, value: "yes"}]
          retriableRequestHeaders: [{name: x-idempotent}]
        grpc: {numRetries: 2, perTryTimeout: 1s, backOff: {baseInterval: 10ms, maxInterval: 100ms}, retryOn: [Unavailable]}
`,
		"circuit-breaker.yaml": `type: MeshCircuitBreaker
mesh: default
name: cb
spec:
  targetRef: {kind: MeshService, name: svc}
  to:
    - targetRef: {kind: Mesh}
      default:
        connectionLimits: {maxConnections: 2, maxPendingRequests: 8, maxRequests: 2, maxRetries: 2, maxConnectionPools: 1}
        outlierDetection:
          disabled: false
          interval: 5s
          baseEjectionTime: 30s
          maxEjectionPercent: 20
          splitExternalAndLocalErrors: true
          detectors:
            totalFailures: {consecutive: 5}
            gatewayFailures: {consecutive: 5}
            localOriginFailures: {consecutive: 5}
            successRate: {minimumHosts: 5, requestVolume: 10, standardDeviationFactor: "1.9"}
            failurePercentage: {minimumHosts: 5, requestVolume: 10, threshold: 85}
  from:
    - targetRef: {kind: Mesh}
      default: {connectionLimits: {maxConnections: 1024}}
`,
		"timeout.yaml": `type: MeshTimeout
mesh: default
name: timeout
spec:
  targetRef: {kind: MeshSubset, tags: {kuma.io/zone: east}}
  to:
    - targetRef: {kind: MeshService, name: svc}
      default:
        connectionTimeout: 5s
        idleTimeout: 1h
        http: {requestTimeout: 15s, streamIdleTimeout: 30m, maxStreamDuration: 0s, maxConnectionDuration: 0s}
  from:
    - targetRef: {kind: Mesh}
      default: {idleTimeout: 1h}
`,
		"trace.yaml": `type: MeshTrace
mesh: default
name: trace
spec:
  targetRef: {kind: Mesh}
  default:
    backends:
      - type: Zipkin
        zipkin: {url: "http://zipkin:9411/api/v2/spans", apiVersion: httpJson, traceId128bit: true, sharedSpanContext: true}
    sampling: {overall: 100, client: 50, random: "10"}
    tags:
      - {name: team, literal: hms}
      - {name: tenant, header: {name: x-hms-tenant-id, default: none}}
`,
		"permission.yaml": `type: MeshTrafficPermission
mesh: default
name: allow
spec:
  targetRef: {kind: MeshService, name: svc}
  from:
    - targetRef: {kind: MeshServiceSubset, name: other, tags: {version: v1}}
      default: {action: AllowWithShadowDeny}
`,
	}
	for file, src := range docs {
		for _, d := range mustParse(t, file, src) {
			if err := Check(d); err != nil {
				t.Errorf("%s: %v", file, err)
			}
		}
	}
}
