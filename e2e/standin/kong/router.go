package kong

import (
	"net/url"
	"strings"
)

// match is a routing decision: the route, its service and the upstream URL.
type match struct {
	route    Route
	service  Service
	prefix   string
	upstream *url.URL
}

// router picks the route whose path prefix is the longest match, as Kong's
// router does for plain (non-regex) paths.
type router struct {
	cfg *Config
}

func (rt router) match(method, path, rawQuery string) (match, bool) {
	var best match
	found := false
	for _, r := range rt.cfg.AllRoutes() {
		if len(r.Methods) > 0 && !contains(r.Methods, method) {
			continue
		}
		for _, p := range r.Paths {
			if strings.HasPrefix(path, p) && (!found || len(p) > len(best.prefix)) {
				svc, _ := rt.cfg.Service(r.Service)
				best, found = match{route: r, service: svc, prefix: p}, true
			}
		}
	}
	if !found {
		return best, false
	}
	rest := path
	if best.route.Strip() {
		rest = strings.TrimPrefix(path, best.prefix)
	}
	u := best.service.Upstream()
	u.Path = joinPath(u.Path, rest)
	u.RawQuery = rawQuery
	best.upstream = u
	return best, true
}

// joinPath joins the service path and the (stripped) request path with one
// slash, like Kong's default path_handling v0: /s + /req = /s/req, /s + "" = /s.
func joinPath(base, rest string) string {
	switch {
	case rest == "":
		if base == "" {
			return "/"
		}
		return base
	case base == "" || base == "/":
		if strings.HasPrefix(rest, "/") {
			return rest
		}
		return "/" + rest
	}
	return strings.TrimSuffix(base, "/") + "/" + strings.TrimPrefix(rest, "/")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
