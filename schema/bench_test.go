package schema

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
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

func benchmarkLoad(b *testing.B, path string, servers int) {
	b.ReportAllocs()
	for b.Loop() {
		f, diags := Load(path, LoadOptions{})
		if diags.HasErrors() || len(f.Servers) != servers {
			b.Fatalf("load failed: %v", diags)
		}
	}
	b.ReportMetric(float64(servers), "servers/op")
}
