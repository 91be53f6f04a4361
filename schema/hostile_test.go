package schema

import (
	"fmt"
	"strings"
)

// hostileCase is an input that must be refused quickly with a diagnostic
// at a source position, never a crash, a hang or exhausted memory.
type hostileCase struct {
	name    string
	src     string // one fleet file
	summary string // the diagnostic expected
	// syntax marks source that Format must refuse too.
	syntax bool
	// benchOnly leaves the case to the benchmarks: it is slow under the
	// race detector and tests nothing another case does not.
	benchOnly bool
}

// server is a valid server block, so that a case fails only for its own
// reason.
const validServer = `
server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = "us-west"
}
`

// hostileCases returns the hostile inputs, nesting n levels deep where
// they nest.
func hostileCases(n int) []hostileCase {
	rep := strings.Repeat
	var doubling strings.Builder
	doubling.WriteString("locals {\n  s0 = \"0123456789abcdef\"\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&doubling, "  s%d = \"${local.s%d}${local.s%d}\"\n", i, i-1, i-1)
	}
	doubling.WriteString("}\n")
	// l1 holds a million numbers but takes a few kilobytes: its elements
	// are one list shared a thousand times.
	sharing := "locals {\n  l0 = [for i in range(1000) : i]\n  l1 = [" + strings.Repeat("local.l0, ", 1000) +
		"]\n  j  = jsonencode([local.l1, local.l1])\n}\n"
	return []hostileCase{
		{"parentheses", "locals {\n  x = " + rep("(", n) + "1" + rep(")", n) + "\n}\n", "Nested too deeply", true, false},
		{"brackets", "locals {\n  x = " + rep("[", n) + "1" + rep("]", n) + "\n}\n", "Nested too deeply", true, false},
		{"objects", "locals {\n  x = " + rep("{a = ", n) + "1" + rep("}", n) + "\n}\n", "Nested too deeply", true, false},
		{"interpolations", "locals {\n  x = " + rep(`"${`, n) + "1" + rep(`}"`, n) + "\n}\n", "Nested too deeply", true, false},
		{"template directives", "locals {\n  x = \"" + rep("%{ if true }", n) + "x" + rep("%{ endif }", n) + "\"\n}\n", "Nested too deeply", true, false},
		{"blocks", "server \"web-01\" {\n" + rep("lifecycle {\n", n) + rep("}\n", n) + "}\n", "Nested too deeply", true, false},
		{"function calls", "locals {\n  x = " + rep("abs(", n) + "1" + rep(")", n) + "\n}\n", "Nested too deeply", true, false},
		{"unary minus", "locals {\n  x = " + rep("- ", n) + "1\n}\n", "Nested too deeply", true, false},
		{"negation", "locals {\n  x = " + rep("!", n) + "true\n}\n", "Nested too deeply", true, false},
		{"conditionals", "locals {\n  x = " + rep("true ? 1 : ", n) + "1\n}\n", "Nested too deeply", true, false},
		{"operator chain", "locals {\n  x = 1" + rep(" + 1", n) + "\n}\n", "Nested too deeply", true, false},
		{"index chain", "locals {\n  x = [0]" + rep("[0 + 0]", n) + "\n}\n", "Nested too deeply", true, false},
		{"nested for", "locals {\n  x = [for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]]\n}\n", "Error in function call", false, false},
		{"nested for strings", "locals {\n  x = [for a in range(1000) : [for b in range(1000) : [for c in range(1000) : \"web-${a}-${b}-${c}\"]]]\n}\n", "Expression produces too many values", false, true},
		{"setproduct", "locals {\n  x = setproduct(range(1000), range(1000), range(1000))\n}\n", "Error in function call", false, false},
		{"format width", "locals {\n  x = format(\"%1000000000d\", 1)\n}\n", "Error in function call", false, false},
		{"indent", "locals {\n  x = indent(1000000000, \"a\\nb\\nc\")\n}\n", "Error in function call", false, false},
		{"distinct", "locals {\n  x = distinct(flatten([for a in range(3) : range(1000)]))\n}\n", "Error in function call", false, false},
		{"doubling strings", doubling.String(), "Expression produces too many values", false, false},
		{"shared lists", sharing, "Expression produces too many values", false, false},
		{"huge number", "locals {\n  x = \"${1e100000000}\"\n}\n", "Number out of range", true, false},
		{"huge product", "locals {\n  x = 1e1000 * 1e1000 * 1e1000\n}\n", "Number out of range", false, false},
		{"long number literal", "locals {\n  x = " + rep("7", 10*n) + "\n}\n", "Number literal too long", true, false},
		{"long numeral string", "locals {\n  x = \"" + rep("7", 10*n) + "\" + 1\n}\n", "Number too long", false, false},
		{"long numeral count", "server \"web\" {\n  count    = \"" + rep("7", 10*n) + "\"\n  name     = \"web-${count.index}\"\n  plan_id  = 1\n  os_id    = 5\n  location = \"us-west\"\n}\n", "Number too long", false, false},
		{"long numeral plan_id", "server \"web-02\" {\n  plan_id  = \"" + rep("7", 10*n) + "\"\n  os_id    = 5\n  location = \"us-west\"\n}\n", "Number too long", false, false},
		{"long numeral variable", "variable \"n\" {\n  type    = list(number)\n  default = [\"" + rep("7", 10*n) + "\"]\n}\n", "Invalid default value for variable", false, false},
		{"deep JSON", "locals {\n  x = jsondecode(\"" + rep("[", n) + rep("]", n) + "\")\n}\n", "Error in function call", false, false},
	}
}
