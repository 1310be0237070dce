// xpclient calls RunFunction the way Crossplane core does: one grpc.ClientConn for the whole run,
// the round_robin balancer with waitForReady, and a name resolver that behaves like grpc-go's DNS
// resolver over a headless Service. The resolver knows the Service's current endpoints (changed on a
// schedule given on the command line, as pods come and go) but tells the channel only at start and
// when the channel asks (ResolveNow, which grpc-go does when a connection ends), at most once per
// -min-resolve. So a replica added later is reached only once some connection ends.
//
//	xpclient -body req.pb -endpoints '0s=127.0.0.1:9443;5s=127.0.0.1:9443,127.0.0.2:9443' -d 20s
//	xpclient -body req.pb -endpoints '0s=127.0.0.1:9443' -n 10000            # one call at a time
//	xpclient -body req.pb -endpoints ... -keepalive 10s -keepalive-timeout 2s -interval 11s -d 25s
//
// Prints one JSON line: calls, ok, codes, resolves, the TCP connections opened per endpoint (dials),
// per endpoint the calls it answered (from grpc.Peer), the first and last answer (ms since start) and
// calls per second, and the time of every failed call. Exit 1 if no call succeeded; failed calls are reported, not fatal.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io/ioutil"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/resolver"
	"google.golang.org/grpc/resolver/manual"
	"google.golang.org/grpc/status"
)

// bytesCodec hands pre-serialized messages through; named "proto" so the content-type stays
// application/grpc.
type bytesCodec struct{}

func (bytesCodec) Marshal(v interface{}) ([]byte, error) { return *(v.(*[]byte)), nil }
func (bytesCodec) Unmarshal(data []byte, v interface{}) error {
	p := v.(*[]byte)
	*p = append((*p)[:0], data...)
	return nil
}
func (bytesCodec) Name() string { return "proto" }

func init() { encoding.RegisterCodec(bytesCodec{}) }

// Crossplane core's service config: round robin over every resolved address, and calls wait for a
// ready connection instead of failing while the channel reconnects.
const serviceConfig = `{
  "loadBalancingConfig": [{"round_robin": {}}],
  "methodConfig": [{
    "name": [{"service": "apiextensions.fn.proto.v1.FunctionRunnerService"},
             {"service": "apiextensions.fn.proto.v1beta1.FunctionRunnerService"}],
    "waitForReady": true
  }]
}`

// step is one change of the Service's endpoints: from `at` after start, the list is `addrs`.
type step struct {
	at    time.Duration
	addrs []string
}

func parseSchedule(s string) ([]step, error) {
	var out []step
	for _, part := range strings.Split(s, ";") {
		eq := strings.Index(part, "=")
		if eq < 0 {
			return nil, fmt.Errorf("endpoint step %q is not AT=ADDR,ADDR", part)
		}
		at, err := time.ParseDuration(part[:eq])
		if err != nil {
			return nil, fmt.Errorf("endpoint step %q: %v", part, err)
		}
		var addrs []string
		for _, a := range strings.Split(part[eq+1:], ",") {
			if a != "" {
				addrs = append(addrs, a)
			}
		}
		if len(out) > 0 && at < out[len(out)-1].at {
			return nil, fmt.Errorf("endpoint steps must be in time order")
		}
		out = append(out, step{at, addrs})
	}
	if len(out) == 0 || out[0].at != 0 {
		return nil, fmt.Errorf("the first endpoint step must be at 0s")
	}
	return out, nil
}

// dnsModel stands in for grpc-go's DNS resolver: it pushes the endpoints current at that moment,
// once at start and then only on ResolveNow, no sooner than minInterval after its last push.
type dnsModel struct {
	r           *manual.Resolver
	schedule    []step
	start       time.Time
	minInterval time.Duration
	mu          sync.Mutex
	last        time.Time
	pending     bool
	resolves    int64
}

func (d *dnsModel) current() []string {
	el := time.Since(d.start)
	addrs := d.schedule[0].addrs
	for _, s := range d.schedule {
		if s.at <= el {
			addrs = s.addrs
		}
	}
	return addrs
}

func (d *dnsModel) state() resolver.State {
	var st resolver.State
	for _, a := range d.current() {
		st.Addresses = append(st.Addresses, resolver.Address{Addr: a})
	}
	return st
}

func (d *dnsModel) resolveNow(resolver.ResolveNowOptions) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.pending {
		return
	}
	wait := d.minInterval - time.Since(d.last)
	if wait < 0 {
		wait = 0
	}
	d.pending = true
	// Never from inside the callback: grpc-go holds locks while it asks.
	time.AfterFunc(wait, func() {
		d.mu.Lock()
		d.pending = false
		d.last = time.Now()
		d.mu.Unlock()
		atomic.AddInt64(&d.resolves, 1)
		d.r.UpdateState(d.state())
	})
}

type endpointStats struct {
	Calls   int   `json:"calls"`
	FirstMS int64 `json:"first_ms"`
	LastMS  int64 `json:"last_ms"`
	PerSec  []int `json:"per_sec"`
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "xpclient: "+format+"\n", args...)
	os.Exit(2)
}

func main() {
	bodyFile := flag.String("body", "", "serialized RunFunctionRequest")
	path := flag.String("path", "/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction", "method path")
	endpoints := flag.String("endpoints", "", "the Service's endpoints over time: AT=ADDR,ADDR;AT=ADDR,... (first AT is 0s)")
	n := flag.Int("n", 0, "stop after this many calls (0: run for -d)")
	dur := flag.Duration("d", 10*time.Second, "run for this long (with -n 0)")
	c := flag.Int("c", 1, "calls in flight")
	interval := flag.Duration("interval", 0, "pause between one worker's calls (slow reconciles)")
	timeout := flag.Duration("timeout", 20*time.Second, "per-call deadline")
	minResolve := flag.Duration("min-resolve", 0, "the resolver's minimum interval between pushes (grpc-go DNS: 30s)")
	kaTime := flag.Duration("keepalive", 0, "client keepalive time, pings permitted without calls (0: none, as Crossplane today)")
	kaTimeout := flag.Duration("keepalive-timeout", 20*time.Second, "client keepalive timeout")
	tlsDir := flag.String("tls-dir", "", "folder with ca.crt, tls.crt, tls.key: mTLS as Crossplane core (empty: h2c)")
	serverName := flag.String("server-name", "localhost", "name the server certificate must carry (with -tls-dir)")
	flag.Parse()

	body, err := ioutil.ReadFile(*bodyFile)
	if err != nil {
		fail("%v", err)
	}
	schedule, err := parseSchedule(*endpoints)
	if err != nil {
		fail("%v", err)
	}
	security := grpc.WithInsecure()
	if *tlsDir != "" {
		ca, err := ioutil.ReadFile(*tlsDir + "/ca.crt")
		if err != nil {
			fail("%v", err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(ca)
		pair, err := tls.LoadX509KeyPair(*tlsDir+"/tls.crt", *tlsDir+"/tls.key")
		if err != nil {
			fail("%v", err)
		}
		security = grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{
			RootCAs: pool, Certificates: []tls.Certificate{pair}, ServerName: *serverName,
			MinVersion: tls.VersionTLS12, NextProtos: []string{"h2"}}))
	}

	start := time.Now()
	r := manual.NewBuilderWithScheme("xpdns")
	dns := &dnsModel{r: r, schedule: schedule, start: start, minInterval: *minResolve, last: start}
	r.InitialState(dns.state())
	r.ResolveNowCallback = dns.resolveNow
	resolver.Register(r)

	// Every TCP connection the channel opens is counted here, per endpoint.
	var dialsMu sync.Mutex
	dials := map[string]int{}
	dialer := func(ctx context.Context, addr string) (net.Conn, error) {
		dialsMu.Lock()
		dials[addr]++
		dialsMu.Unlock()
		var d net.Dialer
		return d.DialContext(ctx, "tcp", addr)
	}
	opts := []grpc.DialOption{security, grpc.WithDefaultServiceConfig(serviceConfig), grpc.WithContextDialer(dialer),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(16<<20), grpc.MaxCallSendMsgSize(16<<20))}
	if *kaTime > 0 {
		opts = append(opts, grpc.WithKeepaliveParams(keepalive.ClientParameters{
			Time: *kaTime, Timeout: *kaTimeout, PermitWithoutStream: true}))
	}
	cc, err := grpc.Dial("xpdns:///function-secrets.crossplane-system:9443", opts...)
	if err != nil {
		fail("dial: %v", err)
	}
	defer cc.Close()

	var mu sync.Mutex
	codes := map[string]int{}
	perEndpoint := map[string]*endpointStats{}
	var errorsAt []int64
	var lastErr string
	var issued int64
	deadline := start.Add(*dur)
	var wg sync.WaitGroup
	for g := 0; g < *c; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := atomic.AddInt64(&issued, 1)
				if (*n > 0 && k > int64(*n)) || (*n == 0 && !time.Now().Before(deadline)) {
					return
				}
				ctx, cancel := context.WithTimeout(context.Background(), *timeout)
				in, out := body, []byte(nil)
				var p peer.Peer
				err := cc.Invoke(ctx, *path, &in, &out, grpc.Peer(&p))
				cancel()
				at := time.Since(start)
				mu.Lock()
				codes[status.Code(err).String()]++
				if err != nil {
					lastErr = err.Error()
					if len(errorsAt) < 1000 {
						errorsAt = append(errorsAt, at.Milliseconds())
					}
				} else if p.Addr != nil {
					s := perEndpoint[p.Addr.String()]
					if s == nil {
						s = &endpointStats{FirstMS: at.Milliseconds()}
						perEndpoint[p.Addr.String()] = s
					}
					s.Calls++
					s.LastMS = at.Milliseconds()
					sec := int(at / time.Second)
					for len(s.PerSec) <= sec {
						s.PerSec = append(s.PerSec, 0)
					}
					s.PerSec[sec]++
				}
				mu.Unlock()
				if *interval > 0 {
					pause := *interval
					if left := time.Until(deadline); *n == 0 && left < pause {
						pause = left
					}
					time.Sleep(pause)
				}
			}
		}()
	}
	wg.Wait()
	dialsMu.Lock()
	defer dialsMu.Unlock()
	calls := 0
	for _, v := range codes {
		calls += v
	}
	if errorsAt == nil {
		errorsAt = []int64{}
	}
	out, _ := json.Marshal(map[string]interface{}{
		"calls": calls, "ok": codes["OK"], "codes": codes, "resolves": atomic.LoadInt64(&dns.resolves),
		"endpoints": perEndpoint, "dials": dials, "errors_ms": errorsAt, "last_error": lastErr,
		"wall_ms": time.Since(start).Milliseconds(),
	})
	fmt.Println(string(out))
	if codes["OK"] == 0 {
		os.Exit(1)
	}
}
