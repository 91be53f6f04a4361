package schema

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"
)

// BenchmarkLoad10000Blocks loads a fleet of 10,000 explicit server blocks.
func BenchmarkLoad10000Blocks(b *testing.B) {
	var src strings.Builder
	src.WriteString("defaults {\n  location = \"us-west\"\n  os_id    = 5\n}\n")
	for i := range 10000 {
		fmt.Fprintf(&src, "\nserver \"web-%05d\" {\n  plan_id         = %d\n  hostname        = \"web-%d.example.com\"\n  backups_enabled = %v\n}\n",
			i, 1+i%2, i, i%3 == 0)
	}
	path := filepath.Join(b.TempDir(), "fleet.hcl")
	if err := os.WriteFile(path, []byte(src.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	benchmarkLoad(b, path, 10000)
}

// BenchmarkLoadCount10000 loads one server block with count = 10000.
func BenchmarkLoadCount10000(b *testing.B) {
	src := `server "web" {
  count    = 10000
  name     = format("web-%05d", count.index)
  plan_id  = 1
  os_id    = 5
  location = "us-west"
  hostname = "web-${count.index}.example.com"
}
`
	path := filepath.Join(b.TempDir(), "fleet.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		b.Fatal(err)
	}
	benchmarkLoad(b, path, 10000)
}

// benchmarkLoad loads path b.N times and reports, beside the allocation
// totals, the heap a load needs: peak-heap-MB, the largest live heap seen
// while loading (sampled every 200µs, garbage included), and retained-MB,
// what the loaded Fleet keeps once the garbage is collected.
func benchmarkLoad(b *testing.B, path string, servers int) {
	b.ReportAllocs()
	var peak, retained uint64
	for b.Loop() {
		runtime.GC()
		base := heapBytes()
		stop := sampleHeapPeak(&peak, base)
		f, diags := Load(path, LoadOptions{})
		stop()
		if diags.HasErrors() || len(f.Servers) != servers {
			b.Fatalf("load failed: %v", diags)
		}
		runtime.GC()
		if h := heapBytes(); h > base {
			retained = max(retained, h-base)
		}
		runtime.KeepAlive(f)
	}
	b.ReportMetric(float64(servers), "servers/op")
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
	b.ReportMetric(float64(retained)/1e6, "retained-MB")
}

// heapBytes is the heap occupied by objects, live or not yet collected.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// sampleHeapPeak records in *peak the largest heap above base until the
// returned stop is called.
func sampleHeapPeak(peak *uint64, base uint64) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(200 * time.Microsecond)
		defer t.Stop()
		for {
			if h := heapBytes(); h > base && h-base > *peak {
				*peak = h - base
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}
