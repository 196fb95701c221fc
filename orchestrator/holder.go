package orchestrator

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/moby/moby/client"
)

// portHolder names what listens on a host port: a container publishing it
// (the engine's proxy would otherwise show up as docker-proxy), else the
// process owning the listening socket, read from /proc. Empty when unknown.
func (e *Engine) portHolder(ctx context.Context, port int) string {
	if res, err := e.api.ContainerList(ctx, client.ContainerListOptions{}); err == nil {
		for _, c := range res.Items {
			for _, p := range c.Ports {
				if int(p.PublicPort) == port {
					name := strings.TrimPrefix(strings.Join(c.Names, ","), "/")
					if proj := c.Labels[LabelProject]; proj != "" {
						return fmt.Sprintf("container %s (project %s)", name, proj)
					}
					return "container " + name
				}
			}
		}
	}
	return processHolding(port)
}

// processHolding finds the listening socket's inode in /proc/net/tcp{,6}
// and the process with that inode among its fds.
func processHolding(port int) string {
	inodes := map[string]bool{}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		for _, ino := range listeningInodes(f, port) {
			inodes[ino] = true
		}
	}
	if len(inodes) == 0 {
		return ""
	}
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, proc := range procs {
		fds, _ := os.ReadDir(filepath.Join(proc, "fd"))
		for _, fd := range fds {
			link, err := os.Readlink(filepath.Join(proc, "fd", fd.Name()))
			if err != nil || !strings.HasPrefix(link, "socket:[") {
				continue
			}
			if inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] {
				pid := filepath.Base(proc)
				comm, _ := os.ReadFile(filepath.Join(proc, "comm"))
				return fmt.Sprintf("process %s (pid %s)", strings.TrimSpace(string(comm)), pid)
			}
		}
	}
	return "a process this user cannot see (try `sudo ss -ltnp`)"
}

// listeningInodes parses a /proc/net/tcp file for LISTEN sockets on port.
func listeningInodes(file string, port int) []string {
	f, err := os.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 || fields[3] != "0A" { // 0A = TCP_LISTEN
			continue
		}
		_, hexPort, ok := strings.Cut(fields[1], ":")
		if !ok {
			continue
		}
		if p, err := strconv.ParseUint(hexPort, 16, 16); err == nil && int(p) == port {
			out = append(out, fields[9])
		}
	}
	return out
}
