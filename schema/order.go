package schema

import (
	"sort"

	"github.com/hashicorp/hcl/v2"
)

// sortByRange sorts items by where they start in the source: file name,
// then byte offset.
func sortByRange[T any](items []T, rangeOf func(T) hcl.Range) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := rangeOf(items[i]), rangeOf(items[j])
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
}
