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
	var doubling, sharing strings.Builder
	doubling.WriteString("locals {\n  s0 = \"0123456789abcdef\"\n")
	sharing.WriteString("locals {\n  l0 = [1]\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&doubling, "  s%d = \"${local.s%d}${local.s%d}\"\n", i, i-1, i-1)
		fmt.Fprintf(&sharing, "  l%d = [local.l%d, local.l%d]\n", i, i-1, i-1)
	}
	doubling.WriteString("}\n")
	sharing.WriteString("  j = jsonencode(local.l40)\n}\n")
	return []hostileCase{
		{"parentheses", "locals {\n  x = " + rep("(", n) + "1" + rep(")", n) + "\n}\n", "Nested too deeply", true},
		{"brackets", "locals {\n  x = " + rep("[", n) + "1" + rep("]", n) + "\n}\n", "Nested too deeply", true},
		{"objects", "locals {\n  x = " + rep("{a = ", n) + "1" + rep("}", n) + "\n}\n", "Nested too deeply", true},
		{"interpolations", "locals {\n  x = " + rep(`"${`, n) + "1" + rep(`}"`, n) + "\n}\n", "Nested too deeply", true},
		{"template directives", "locals {\n  x = \"" + rep("%{ if true }", n) + "x" + rep("%{ endif }", n) + "\"\n}\n", "Nested too deeply", true},
		{"blocks", "server \"web-01\" {\n" + rep("lifecycle {\n", n) + rep("}\n", n) + "}\n", "Nested too deeply", true},
		{"function calls", "locals {\n  x = " + rep("abs(", n) + "1" + rep(")", n) + "\n}\n", "Nested too deeply", true},
		{"unary minus", "locals {\n  x = " + rep("- ", n) + "1\n}\n", "Nested too deeply", true},
		{"negation", "locals {\n  x = " + rep("!", n) + "true\n}\n", "Nested too deeply", true},
		{"conditionals", "locals {\n  x = " + rep("true ? 1 : ", n) + "1\n}\n", "Nested too deeply", true},
		{"operator chain", "locals {\n  x = 1" + rep(" + 1", n) + "\n}\n", "Nested too deeply", true},
		{"index chain", "locals {\n  x = [0]" + rep("[0 + 0]", n) + "\n}\n", "Nested too deeply", true},
		{"nested for", "locals {\n  x = [for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]]\n}\n", "Error in function call", false},
		{"nested for strings", "locals {\n  x = [for a in range(1000) : [for b in range(1000) : [for c in range(1000) : \"web-${a}-${b}-${c}\"]]]\n}\n", "Expression produces too many values", false},
		{"setproduct", "locals {\n  x = setproduct(range(1000), range(1000), range(1000))\n}\n", "Error in function call", false},
		{"format width", "locals {\n  x = format(\"%1000000000d\", 1)\n}\n", "Error in function call", false},
		{"indent", "locals {\n  x = indent(1000000000, \"a\\nb\\nc\")\n}\n", "Error in function call", false},
		{"distinct", "locals {\n  x = distinct(flatten([for a in range(3) : range(1000)]))\n}\n", "Error in function call", false},
		{"doubling strings", doubling.String(), "Expression produces too many values", false},
		{"shared lists", sharing.String(), "Expression produces too many values", false},
		{"huge number", "locals {\n  x = \"${1e100000000}\"\n}\n", "Number out of range", true},
		{"huge product", "locals {\n  x = 1e1000 * 1e1000 * 1e1000\n}\n", "Number out of range", false},
		{"long number literal", "locals {\n  x = " + rep("7", 10*n) + "\n}\n", "Number literal too long", true},
		{"long numeral string", "locals {\n  x = \"" + rep("7", 10*n) + "\" + 1\n}\n", "Number too long", false},
		{"deep JSON", "locals {\n  x = jsondecode(\"" + rep("[", n) + rep("]", n) + "\")\n}\n", "Error in function call", false},
	}
}
