package schema

import (
	"strings"

	"github.com/hms-platform/hmsdev/internal/suggest"
)

// Closest returns the candidate nearest to s by edit distance (case
// ignored), or "" when none is near enough to be a plausible typo.
func Closest(s string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		d := suggest.Distance(strings.ToLower(s), strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	limit := len(s)/2 + 1
	if bestD < 0 || bestD > limit {
		return ""
	}
	return best
}
