package main

import (
	"errors"
	"fmt"
	"net"
	"os"
)

// Basic parts for stacks that need a container but no behaviour:
// "sleep" runs until SIGTERM; "tcp PORT..." accepts (and closes)
// connections on each port, standing in for Postgres or Kafka.
func init() {
	register("sleep", func([]string) error {
		ctx, cancel := sigtermContext()
		defer cancel()
		<-ctx.Done()
		return nil
	})
	register("tcp", func(args []string) error {
		if len(args) == 0 {
			return errors.New("usage: standin tcp PORT...")
		}
		ctx, cancel := sigtermContext()
		defer cancel()
		for _, port := range args {
			l, err := net.Listen("tcp", ":"+port)
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stdout, "listening on :%s\n", port)
			go func() {
				for {
					c, err := l.Accept()
					if err != nil {
						return
					}
					c.Close()
				}
			}()
		}
		<-ctx.Done()
		return nil
	})
}
