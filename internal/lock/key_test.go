package lock

import (
	"slices"
	"strings"
	"testing"
)

// TestKeyIsStable pins Key to the documented definition: values computed
// independently (SHA-256 of "vpsfleet lock\x00", uvarint length, scope,
// name; first 8 bytes big-endian, signed). A change here would let an old
// and a new vpsfleet lock different keys for one name.
func TestKeyIsStable(t *testing.T) {
	tests := []struct {
		scope, name string
		want        int64
	}{
		{"https://admin.vps.org", "web-01", -3796369501335029156},
		{"https://admin.vps.org", "web-02", 6787016940203148603},
		{"ab", "c", -564463466429558445},
		{"a", "bc", 58654946714185808},
		{strings.Repeat("x", 200), "db-01", -5087502572288491919}, // a two-byte length
	}
	for _, tt := range tests {
		if got := Key(tt.scope, tt.name); got != tt.want {
			t.Errorf("Key(%.20q, %q) = %d, want %d", tt.scope, tt.name, got, tt.want)
		}
	}
}

func TestKeysForSortsAndDeduplicates(t *testing.T) {
	names := []string{"web-03", "web-01", "db-01", "web-01", "web-02", "db-01"}
	keys := keysFor(Key, "s", names, nil)
	if len(keys) != 4 {
		t.Fatalf("keysFor gave %d keys for 4 distinct names: %+v", len(keys), keys)
	}
	if !slices.IsSortedFunc(keys, func(a, b lockKey) int {
		if a.key < b.key {
			return -1
		}
		return 1
	}) {
		t.Errorf("keys not in ascending order: %+v", keys)
	}
	var got []string
	for _, k := range keys {
		if k.key != Key("s", k.names[0]) || len(k.names) != 1 {
			t.Errorf("key %d names %q: want one name with that key", k.key, k.names)
		}
		got = append(got, k.names...)
	}
	slices.Sort(got)
	if want := []string{"db-01", "web-01", "web-02", "web-03"}; !slices.Equal(got, want) {
		t.Errorf("names = %q, want %q", got, want)
	}

	skipped := keysFor(Key, "s", names, func(k int64, name string) bool { return name == "web-01" })
	if len(skipped) != 3 {
		t.Errorf("skip left %d keys, want 3", len(skipped))
	}
}

func TestKeyDependsOnScope(t *testing.T) {
	if Key("https://a.example", "web-01") == Key("https://b.example", "web-01") {
		t.Error("one name in two scopes must lock two keys")
	}
}
