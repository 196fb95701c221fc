// Command standin plays the parts of the HMS stack that the end-to-end tests
// cannot pull from a registry: kuma-cp, kuma-dp, Kong, Zipkin and a
// Spring-Boot-like service. The tests build it statically into images
// FROM scratch, one tag per part, each with ENTRYPOINT ["/standin", PART].
package main

import (
	"fmt"
	"os"
	"sort"
)

// parts maps a part's name to its entry point; each part registers itself
// from its own file's init.
var parts = map[string]func(args []string) error{}

func register(name string, run func(args []string) error) { parts[name] = run }

func main() {
	if len(os.Args) < 2 || parts[os.Args[1]] == nil {
		names := make([]string, 0, len(parts))
		for n := range parts {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(os.Stderr, "usage: standin PART [args...]; parts: %v\n", names)
		os.Exit(2)
	}
	if err := parts[os.Args[1]](os.Args[2:]); err != nil {
		fmt.Fprintf(os.Stderr, "standin %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
