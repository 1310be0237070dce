// goclient calls RunFunction with grpc-go, the gRPC stack Crossplane core uses, so that the
// interop tests see exactly what core sends: content-type application/grpc, te: trailers and a
// grpc-timeout in microseconds. It sends a pre-serialized request (raw bytes) with a pass-through
// codec and checks that every answer is OK and echoes the request's tag.
//
//	goclient -addr 127.0.0.1:9443 -body req.pb -path /apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction
//	goclient -addr 127.0.0.1:9443 -body req.pb -n 5000 -c 10    # load on one connection
//	goclient -addr localhost:9443 -tls-dir CERTS/client -body req.pb -d 10s -c 10   # mTLS, as core calls
//	goclient -addr 127.0.0.1:9443 -bodies DIR -d 10s -warmup 1s -c 100   # rotate over DIR's requests
//
// Prints one JSON line: calls, ok, codes, req_s, p50_ms, p99_ms, max_ms. Exit 1 if any call failed.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io/ioutil"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/status"
)

// bytesCodec hands the serialized messages through unchanged; registered as "proto" so the
// content-type stays application/grpc.
type bytesCodec struct{}

func (bytesCodec) Marshal(v interface{}) ([]byte, error) { return *(v.(*[]byte)), nil }
func (bytesCodec) Unmarshal(data []byte, v interface{}) error {
	p := v.(*[]byte)
	*p = append((*p)[:0], data...)
	return nil
}
func (bytesCodec) Name() string { return "proto" }

func init() { encoding.RegisterCodec(bytesCodec{}) }

// field returns the payload of the first length-delimited field `num` of a protobuf message.
func field(b []byte, num uint64) []byte {
	for i := 0; i < len(b); {
		key, n := uvarint(b[i:])
		if n <= 0 {
			return nil
		}
		i += n
		switch key & 7 {
		case 0:
			_, m := uvarint(b[i:])
			if m <= 0 {
				return nil
			}
			i += m
		case 2:
			l, m := uvarint(b[i:])
			if m <= 0 || i+m+int(l) > len(b) {
				return nil
			}
			i += m
			if key>>3 == num {
				return b[i : i+int(l)]
			}
			i += int(l)
		default:
			return nil
		}
	}
	return nil
}

func uvarint(b []byte) (uint64, int) {
	var x uint64
	for i, c := range b {
		if i == 10 {
			return 0, -1
		}
		x |= uint64(c&0x7f) << (7 * uint(i))
		if c < 0x80 {
			return x, i + 1
		}
	}
	return 0, 0
}

func main() {
	addr := flag.String("addr", "127.0.0.1:9443", "host:port")
	path := flag.String("path", "/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction", "method path")
	bodyFile := flag.String("body", "", "serialized RunFunctionRequest")
	n := flag.Int("n", 1, "calls")
	c := flag.Int("c", 1, "calls in flight")
	timeout := flag.Duration("timeout", 20*time.Second, "per-call deadline")
	tlsDir := flag.String("tls-dir", "", "folder with ca.crt, tls.crt, tls.key: mTLS as Crossplane core (empty: h2c)")
	dur := flag.Duration("d", 0, "run for this long instead of -n calls")
	bodiesDir := flag.String("bodies", "", "folder of serialized requests, sent in turn (distinct requests)")
	warmup := flag.Duration("warmup", 0, "with -d: calls for this long first, not counted")
	checkTag := flag.Bool("check-tag", true, "fail calls whose answer does not echo the request's tag (off for fixed-answer servers)")
	flag.Parse()
	var bodies [][]byte
	if *bodiesDir != "" {
		files, err := ioutil.ReadDir(*bodiesDir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "goclient:", err)
			os.Exit(2)
		}
		for _, f := range files {
			b, err := ioutil.ReadFile(*bodiesDir + "/" + f.Name())
			if err != nil {
				fmt.Fprintln(os.Stderr, "goclient:", err)
				os.Exit(2)
			}
			bodies = append(bodies, b)
		}
	} else {
		body, err := ioutil.ReadFile(*bodyFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "goclient:", err)
			os.Exit(2)
		}
		bodies = [][]byte{body}
	}
	if len(bodies) == 0 {
		fmt.Fprintln(os.Stderr, "goclient: no request bodies")
		os.Exit(2)
	}
	tags := make([]string, len(bodies))
	for i, b := range bodies {
		tags[i] = string(field(field(b, 1), 1))
	}
	security := grpc.WithInsecure()
	if *tlsDir != "" {
		ca, err := ioutil.ReadFile(*tlsDir + "/ca.crt")
		if err != nil {
			fmt.Fprintln(os.Stderr, "goclient:", err)
			os.Exit(2)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(ca)
		pair, err := tls.LoadX509KeyPair(*tlsDir+"/tls.crt", *tlsDir+"/tls.key")
		if err != nil {
			fmt.Fprintln(os.Stderr, "goclient:", err)
			os.Exit(2)
		}
		security = grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{
			RootCAs: pool, Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12, NextProtos: []string{"h2"}}))
	}
	cc, err := grpc.Dial(*addr, security, grpc.WithBlock(), grpc.WithTimeout(10*time.Second),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(16<<20), grpc.MaxCallSendMsgSize(16<<20)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "goclient: dial:", err)
		os.Exit(1)
	}
	defer cc.Close()

	var issued int64
	if *dur > 0 && *warmup > 0 {
		// Warm-up: the same calls for a while, not counted.
		end := time.Now().Add(*warmup)
		var wg sync.WaitGroup
		for g := 0; g < *c; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := g; time.Now().Before(end); i += *c {
					ctx, cancel := context.WithTimeout(context.Background(), *timeout)
					in, out := bodies[i%len(bodies)], []byte(nil)
					cc.Invoke(ctx, *path, &in, &out)
					cancel()
				}
			}(g)
		}
		wg.Wait()
	}
	deadline := time.Now().Add(*dur)
	more := func() (int64, bool) {
		k := atomic.AddInt64(&issued, 1)
		if *dur > 0 {
			return k, time.Now().Before(deadline)
		}
		return k, k <= int64(*n)
	}
	var mu sync.Mutex
	codes := map[string]int{}
	var lats []time.Duration
	var lastErr string
	start := time.Now()
	var wg sync.WaitGroup
	for g := 0; g < *c; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k, ok := more()
				if !ok {
					break
				}
				i := int(k-1) % len(bodies)
				wantTag := tags[i]
				ctx, cancel := context.WithTimeout(context.Background(), *timeout)
				in, out := bodies[i], []byte(nil)
				t0 := time.Now()
				err := cc.Invoke(ctx, *path, &in, &out)
				el := time.Since(t0)
				cancel()
				code := status.Code(err).String()
				if err == nil && *checkTag && string(field(field(out, 1), 1)) != wantTag {
					code, err = "WrongTag", fmt.Errorf("response tag %q, want %q", field(field(out, 1), 1), wantTag)
				}
				mu.Lock()
				codes[code]++
				if err != nil {
					lastErr = err.Error()
				} else {
					lats = append(lats, el)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	sort.Slice(lats, func(i, j int) bool { return lats[i] < lats[j] })
	pct := func(p float64) float64 {
		if len(lats) == 0 {
			return 0
		}
		k := int(p*float64(len(lats))) - 1
		if k < 0 {
			k = 0
		}
		return float64(lats[k]) / 1e6
	}
	calls := 0
	for _, v := range codes {
		calls += v
	}
	out, _ := json.Marshal(map[string]interface{}{
		"calls": calls, "ok": codes["OK"], "codes": codes, "req_s": float64(calls) / wall.Seconds(),
		"p50_ms": pct(0.50), "p99_ms": pct(0.99), "max_ms": pct(1.0), "last_error": lastErr,
	})
	fmt.Println(string(out))
	if codes["OK"] != calls || calls == 0 {
		os.Exit(1)
	}
}
