package checks

import "strings"

// symptom is a known failure a sidecar writes to its log, and its fix: the
// seed's troubleshooting page, with the causes FACTS.md found behind it.
type symptom struct {
	name string
	// context narrows the lines looked at (any of them, case-insensitive);
	// none means every line.
	context []string
	// marks are what the line must contain (any of them, case-insensitive).
	marks []string
	fix   string
}

var symptoms = []symptom{
	{
		name: "certificate name mismatch",
		marks: []string{
			"certificate in the control plane has the following sans", // the CP's own refusal (400)
			"x509: certificate is valid for", "certificate is not valid for", "doesn't contain any ip sans",
			"certificate name mismatch",
		},
		fix: "the control plane's certificate names only its own hostname: run kuma-cp with `hostname: kuma-cp` (hmsdev's generated stack does) and point the sidecar at https://kuma-cp:5678, or give the control plane a certificate for the name the sidecar uses (KUMA_GENERAL_TLS_CERT_FILE and KUMA_GENERAL_TLS_KEY_FILE)",
	},
	{
		name:  "dataplane token required",
		marks: []string{"dataplane token is required", "token required"},
		fix:   "the control plane checks sidecar tokens: run kuma-cp with KUMA_DP_SERVER_AUTHN_DP_PROXY_TYPE=none (hmsdev's generated stack does), or give the sidecar a token (--dataplane-token-file) from POST /tokens/dataplane inside the CP's namespace",
	},
	{
		name: "dataplane rejected",
		marks: []string{
			"dataplane entity is invalid", "invalid request", "validation error", "resource precondition failed",
			"dataplane rejected", "must not be 0.0.0.0",
		},
		fix: "the control plane refused the sidecar's Dataplane; the log line names the field. Fix kuma/dataplanes/NAME.yaml (networking.address must be the service's DNS name, every inbound and outbound needs kuma.io/service), then `hmsdev restart NAME`",
	},
	{
		name:    "control plane unreachable",
		context: []string{"bootstrap", "control plane", "control-plane", ":5678", ":5681", "cp-address"},
		marks: []string{
			"connection refused", "no such host", "i/o timeout", "network is unreachable", "context deadline exceeded",
			"server gave http response to https client", "there is no /bootstrap endpoint", "unreachable",
		},
		fix: "the sidecar must reach the control plane's dataplane server at " + cpAddress + " (KUMA_CONTROL_PLANE_URL or --cp-address; TLS on 5678, not the 5681 API): correct it, check kuma-cp runs (`hmsdev logs kuma-cp`), then `hmsdev up`",
	},
}

// diagnose returns the first known symptom in log, and the line that shows it.
func diagnose(log string) (symptom, string, bool) {
	lines := strings.Split(log, "\n")
	for _, s := range symptoms {
		// The newest line first: it says what is wrong now.
		for i := len(lines) - 1; i >= 0; i-- {
			l := strings.ToLower(lines[i])
			if (len(s.context) == 0 || containsAny(l, s.context)) && containsAny(l, s.marks) {
				return s, strings.TrimSpace(lines[i]), true
			}
		}
	}
	return symptom{}, "", false
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
