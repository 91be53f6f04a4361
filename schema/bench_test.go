package schema

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"syscall"
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

// BenchmarkRefuseHostile loads each hostile input at the size of the
// issue (100,000 levels of nesting) and checks that it is refused; ns/op
// is the time a refusal takes.
func BenchmarkRefuseHostile(b *testing.B) {
	for _, c := range hostileCases(100000) {
		src := []byte(c.src + validServer)
		b.Run(strings.ReplaceAll(c.name, " ", "-"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				fleet, diags := loadSources([]source{{name: "hostile.hcl", src: src}}, LoadOptions{})
				if fleet != nil || findDiag(diags, c.summary) == nil {
					b.Fatalf("not refused with %q: %v", c.summary, diags)
				}
			}
		})
	}
}

// BenchmarkFormatRefusesDeepNesting formats 100,000 nested parentheses.
func BenchmarkFormatRefusesDeepNesting(b *testing.B) {
	src := []byte("x = " + strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000) + "\n")
	b.ReportAllocs()
	for b.Loop() {
		if out, diags := Format(src, "deep.hcl"); out != nil || findDiag(diags, "Nested too deeply") == nil {
			b.Fatalf("not refused: %v", diags)
		}
	}
}

// BenchmarkLoadRefusesFIFO loads a directory holding a FIFO named x.hcl.
func BenchmarkLoadRefusesFIFO(b *testing.B) {
	dir := writeFleet(b, map[string]string{"fleet.hcl": validServer})
	if err := syscall.Mkfifo(filepath.Join(dir, "x.hcl"), 0o644); err != nil {
		b.Skipf("cannot make a FIFO: %v", err)
	}
	for b.Loop() {
		if fleet, diags := Load(dir, LoadOptions{}); fleet != nil || findDiag(diags, "Cannot read file") == nil {
			b.Fatalf("not refused: %v", diags)
		}
	}
}

// BenchmarkLoadLargeMapVariable loads a map variable of 20,000 objects
// from a variable file and uses it as for_each: converting it must take
// time proportional to its size (cty's own conversion compares every
// element type with every other).
func BenchmarkLoadLargeMapVariable(b *testing.B) {
	var vars strings.Builder
	vars.WriteString("servers = {\n")
	for i := range 20000 {
		fmt.Fprintf(&vars, "  web-%05d = { plan = %d, tags = [\"a\"] }\n", i, 1+i%2)
	}
	vars.WriteString("}\n")
	dir := writeFleet(b, map[string]string{
		"fleet.hcl": `variable "servers" { type = map(object({ plan = number, tags = list(string) })) }
server "web" {
  for_each = var.servers
  name     = each.key
  plan_id  = each.value.plan
  os_id    = 5
  location = "us-west"
}
`,
		"big.vars.hcl": vars.String(),
	})
	opts := LoadOptions{VarFiles: []string{filepath.Join(dir, "big.vars.hcl")}}
	b.ReportAllocs()
	for b.Loop() {
		if f, diags := Load(filepath.Join(dir, "fleet.hcl"), opts); diags.HasErrors() || len(f.Servers) != 20000 {
			b.Fatalf("%v", diags)
		}
	}
}
