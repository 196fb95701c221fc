// Command hmsdev runs the HMS platform's local development stack on Docker:
// Kong in front, a Kuma mesh between the services, Postgres and Kafka beside.
package main

import (
	"os"

	"github.com/hms-platform/hmsdev/cmd"
)

func main() {
	os.Exit(cmd.Execute())
}
