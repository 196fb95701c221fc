package schema

// The known fields of the types hmsdev checks, from Kuma 2.5's API
// (mesh.proto, dataplane.proto and the policies' Go types).

var meshFields = resource(map[string]*Field{
	"mtls": obj(map[string]*Field{
		"enabledBackend": str,
		"skipValidation": boolean,
		"backends": list(obj(map[string]*Field{
			"name": str, "type": str, "mode": str, "conf": anything,
			"dpCert": obj(map[string]*Field{
				"rotation":       obj(map[string]*Field{"expiration": str}),
				"requestTimeout": duration,
			}),
			"rootChain": obj(map[string]*Field{"requestTimeout": duration}),
		})),
	}),
	"metrics": obj(map[string]*Field{
		"enabledBackend": str,
		"backends":       list(obj(map[string]*Field{"name": str, "type": str, "conf": anything})),
	}),
	"tracing": obj(map[string]*Field{
		"defaultBackend": str,
		"backends":       list(obj(map[string]*Field{"name": str, "type": str, "sampling": number, "conf": anything})),
	}),
	"logging": obj(map[string]*Field{
		"defaultBackend": str,
		"backends":       list(obj(map[string]*Field{"name": str, "type": str, "format": str, "conf": anything})),
	}),
	"networking": obj(map[string]*Field{"outbound": obj(map[string]*Field{"passthrough": boolean})}),
	"routing": obj(map[string]*Field{
		"localityAwareLoadBalancing": boolean, "zoneEgress": boolean,
		"defaultForbidMutualTlsAndNonMutualTls": boolean,
	}),
	"constraints":                 anything,
	"skipCreatingInitialPolicies": strList,
})

var dataplaneFields = resource(map[string]*Field{
	"mesh": str,
	"networking": obj(map[string]*Field{
		"address": str, "advertisedAddress": str, "advertisedPort": integer,
		"inbound": list(obj(map[string]*Field{
			"port": integer, "servicePort": integer, "serviceAddress": str, "address": str,
			"tags": strMap, "health": anything, "serviceProbe": anything, "state": str,
		})),
		"outbound": list(obj(map[string]*Field{
			"port": integer, "address": str, "tags": strMap, "service": str,
		})),
		"gateway":             obj(map[string]*Field{"type": str, "tags": strMap}),
		"transparentProxying": anything,
		"admin":               obj(map[string]*Field{"port": integer}),
	}),
	"metrics": anything,
	"probes":  anything,
})

var backOff = obj(map[string]*Field{"baseInterval": duration, "maxInterval": duration})

var rateLimitedBackOff = obj(map[string]*Field{
	"resetHeaders": list(obj(map[string]*Field{"name": str, "format": str})),
	"maxInterval":  duration,
})

var meshRetryFields = policy(map[string]*Field{
	"to": toFrom(obj(map[string]*Field{
		"tcp": obj(map[string]*Field{"maxConnectAttempt": integer}),
		"http": obj(map[string]*Field{
			"numRetries": integer, "perTryTimeout": duration,
			"backOff": backOff, "rateLimitedBackOff": rateLimitedBackOff,
			"retryOn": strList, "retriableResponseHeaders": list(anything),
			"retriableRequestHeaders": list(anything), "hostSelection": list(anything),
			"hostSelectionMaxAttempts": integer,
		}),
		"grpc": obj(map[string]*Field{
			"numRetries": integer, "perTryTimeout": duration,
			"backOff": backOff, "rateLimitedBackOff": rateLimitedBackOff, "retryOn": strList,
		}),
	})),
})

var circuitBreakerConf = obj(map[string]*Field{
	"connectionLimits": obj(map[string]*Field{
		"maxConnections": integer, "maxPendingRequests": integer, "maxRequests": integer,
		"maxRetries": integer, "maxConnectionPools": integer,
	}),
	"outlierDetection": obj(map[string]*Field{
		"disabled": boolean, "interval": duration, "baseEjectionTime": duration,
		"maxEjectionPercent": integer, "splitExternalAndLocalErrors": boolean,
		"detectors": obj(map[string]*Field{
			"totalFailures":       obj(map[string]*Field{"consecutive": integer}),
			"gatewayFailures":     obj(map[string]*Field{"consecutive": integer}),
			"localOriginFailures": obj(map[string]*Field{"consecutive": integer}),
			"successRate": obj(map[string]*Field{
				"minimumHosts": integer, "requestVolume": integer, "standardDeviationFactor": anything,
			}),
			"failurePercentage": obj(map[string]*Field{
				"minimumHosts": integer, "requestVolume": integer, "threshold": integer,
			}),
		}),
	}),
})

var meshCircuitBreakerFields = policy(map[string]*Field{
	"to": toFrom(circuitBreakerConf), "from": toFrom(circuitBreakerConf),
})

var timeoutConf = obj(map[string]*Field{
	"connectionTimeout": duration, "idleTimeout": duration,
	"http": obj(map[string]*Field{
		"requestTimeout": duration, "streamIdleTimeout": duration, "maxStreamDuration": duration,
		"maxConnectionDuration": duration, "requestHeadersTimeout": duration,
	}),
})

var meshTimeoutFields = policy(map[string]*Field{"to": toFrom(timeoutConf), "from": toFrom(timeoutConf)})

var meshTraceFields = policy(map[string]*Field{
	"default": obj(map[string]*Field{
		"backends": list(obj(map[string]*Field{
			"type": str,
			"zipkin": obj(map[string]*Field{
				"url": str, "traceId128bit": boolean, "apiVersion": str, "sharedSpanContext": boolean,
			}),
			"datadog":       obj(map[string]*Field{"url": str, "splitService": boolean}),
			"openTelemetry": obj(map[string]*Field{"endpoint": str}),
		})),
		"sampling": obj(map[string]*Field{"overall": anything, "client": anything, "random": anything}),
		"tags": list(obj(map[string]*Field{
			"name": str, "literal": str, "header": obj(map[string]*Field{"name": str, "default": str}),
		})),
	}),
})

var meshTrafficPermissionFields = policy(map[string]*Field{
	"from": toFrom(obj(map[string]*Field{"action": str})),
})
