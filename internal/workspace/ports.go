package workspace

import "fmt"

// inboundOffset separates Envoy's inbound listener from the app's port: they
// share a network namespace and Spring Boot binds 0.0.0.0 (FACTS.md).
const inboundOffset = 10000

// InboundPort is the port Envoy listens on for a service whose app listens
// on appPort.
func InboundPort(appPort int) int {
	if appPort+inboundOffset > 65535 {
		return appPort - inboundOffset
	}
	return appPort + inboundOffset
}

// SidecarPorts are the ports kuma-dp 2.5 itself takes inside the network
// namespace it shares with the app, so neither the app, nor Envoy's inbound,
// nor an outbound may use them (docs/real-images.md): Envoy's admin API (the
// CP's bootstrap adminPort), the CoreDNS kuma-dp starts by default (its
// Corefile binds ".:15053" and ".:15055", all interfaces), Envoy's DNS
// listener, CoreDNS's Prometheus stats, and the Prometheus endpoint of the
// default mesh's metrics backend.
var SidecarPorts = map[int]string{
	9901:  "Envoy's admin API",
	5670:  "the mesh's Prometheus metrics endpoint",
	15053: "kuma-dp's CoreDNS",
	15054: "Envoy's DNS listener",
	15055: "kuma-dp's CoreDNS (NXDOMAIN server)",
	19153: "CoreDNS's Prometheus stats",
}

// SidecarPortClash says why a meshed app cannot listen on appPort: the port,
// or the inbound port Envoy would take for it, is one kuma-dp already uses.
// It returns "" when there is no clash.
func SidecarPortClash(appPort int) string {
	if what, ok := SidecarPorts[appPort]; ok {
		return fmt.Sprintf("port %d is taken by %s in the sidecar's network namespace", appPort, what)
	}
	in := InboundPort(appPort)
	if what, ok := SidecarPorts[in]; ok {
		return fmt.Sprintf("its Envoy inbound would listen on %d, which is taken by %s", in, what)
	}
	return ""
}
