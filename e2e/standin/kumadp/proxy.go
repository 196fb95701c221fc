package kumadp

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// preamble marks a connection from another sidecar: the stand-in's
// stand-in for mTLS. Under STRICT an inbound accepts nothing else, so
// traffic that bypasses the mesh fails as it does with a real mesh.
const preamble = "KUMA-MTLS "

// listen opens addr, naming the usual cause when it is taken.
func listen(addr, what string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil && strings.Contains(err.Error(), "address already in use") {
		return nil, fmt.Errorf("%s: cannot listen on %s: %w (the app shares this network namespace and may hold the port: "+
			"give the inbound its own port, different from servicePort)", what, addr, err)
	}
	return ln, err
}

// serve accepts on ln until ctx ends, handling each connection in its own goroutine.
func serve(ctx context.Context, ln net.Listener, handle func(net.Conn)) {
	go func() { <-ctx.Done(); ln.Close() }()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go handle(c)
	}
}

// inbound forwards one connection to the app, after checking it came
// through the mesh when mTLS is STRICT.
func (s *sidecar) inbound(c net.Conn, in Inbound) {
	defer c.Close()
	br := bufio.NewReader(c)
	meshed, from := readPreamble(c, br)
	s.metrics.count("inbound:"+strconv.Itoa(in.Port), meshed)
	if !meshed && s.mode() == "STRICT" {
		s.logf("WARN", "inbound %d: refused a plaintext connection from %s: mTLS is STRICT, only mesh traffic is accepted", in.Port, c.RemoteAddr())
		return
	}
	addr := in.ServiceAddress
	if addr == "" {
		addr = "127.0.0.1"
	}
	port := in.ServicePort
	if port == 0 {
		port = in.Port
	}
	up, err := net.DialTimeout("tcp", net.JoinHostPort(addr, strconv.Itoa(port)), 5*time.Second)
	if err != nil {
		s.logf("WARN", "inbound %d: the app is not reachable at %s:%d: %v", in.Port, addr, port, err)
		return
	}
	if from != "" {
		s.logf("DEBUG", "inbound %d: connection from %s", in.Port, from)
	}
	pipe(c, br, up)
}

// readPreamble reports whether the connection starts with the mesh
// preamble (and consumes it), waiting briefly for client-first protocols.
func readPreamble(c net.Conn, br *bufio.Reader) (bool, string) {
	c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	head, _ := br.Peek(len(preamble))
	c.SetReadDeadline(time.Time{})
	if string(head) != preamble {
		return false, ""
	}
	line, err := br.ReadString('\n')
	if err != nil {
		return false, ""
	}
	return true, strings.TrimSpace(strings.TrimPrefix(line, preamble))
}

// outbound forwards one connection from the app to an inbound of service,
// found through the control plane.
func (s *sidecar) outbound(c net.Conn, port int, service string) {
	defer c.Close()
	eps, err := s.cp.endpoints(context.Background(), s.dp.Mesh, service)
	if err != nil || len(eps) == 0 {
		s.logf("WARN", "outbound %d: no endpoints of %s known to the control plane (%v)", port, service, err)
		return
	}
	ep := eps[int(s.next.Add(1))%len(eps)]
	up, err := net.DialTimeout("tcp", net.JoinHostPort(ep.Address, strconv.Itoa(ep.Port)), 5*time.Second)
	if err != nil {
		s.logf("WARN", "outbound %d: cannot reach %s at %s:%d: %v", port, service, ep.Address, ep.Port, err)
		return
	}
	s.metrics.count("outbound:"+service, s.mode() != "")
	if s.mode() != "" {
		if _, err := io.WriteString(up, preamble+s.service()+"\n"); err != nil {
			up.Close()
			return
		}
	}
	pipe(c, c, up)
}

// pipe copies both ways until either side closes.
func pipe(c net.Conn, from io.Reader, up net.Conn) {
	defer up.Close()
	done := make(chan struct{}, 2)
	go func() {
		io.Copy(up, from)
		if tc, ok := up.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
		done <- struct{}{}
	}()
	go func() {
		io.Copy(c, up)
		if tc, ok := c.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
		done <- struct{}{}
	}()
	<-done
	<-done
}

// counter is a pair of connection counts for one listener.
type counter struct{ mesh, plain atomic.Int64 }
