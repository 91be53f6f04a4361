package schema

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// terraformExamples are the examples Terraform's documentation gives for
// each function the README lists, with the results it documents. want is
// an HCL literal of the documented result (compared as JSON, so a list
// and a set, or a map and an object, of the same elements are alike);
// wantErr is part of the documented error instead.
var terraformExamples = []struct {
	function, expr, want, wantErr string
}{
	{"coalesce", `coalesce("a", "b")`, `"a"`, ""},
	{"coalesce", `coalesce("", "b")`, `"b"`, ""},
	{"coalesce", `coalesce(1, 2)`, `1`, ""},
	{"coalesce", `coalesce(["", "b"]...)`, `"b"`, ""},
	{"coalesce", `coalesce(1, "hello")`, `"1"`, ""},
	{"coalesce", `coalesce(true, "hello")`, `"true"`, ""},
	{"coalesce", `coalesce({}, "hello")`, "", "all arguments must have the same type"},

	{"concat", `concat(["a", ""], ["b", "c"])`, `["a", "", "b", "c"]`, ""},
	{"concat", `concat([], [1, "a"], [[3], "c"])`, `[1, "a", [3], "c"]`, ""},

	{"format", `format("Hello, %s!", "Ander")`, `"Hello, Ander!"`, ""},
	{"format", `format("There are %d lights", 4)`, `"There are 4 lights"`, ""},
	{"format", `format("Hello, %s!", var.name)`, `"Hello, Valentina!"`, ""},

	{"join", `join(", ", ["foo", "bar", "baz"])`, `"foo, bar, baz"`, ""},
	{"join", `join(", ", ["foo"])`, `"foo"`, ""},

	{"length", `length([])`, `0`, ""},
	{"length", `length(["a", "b"])`, `2`, ""},
	{"length", `length({"a" = "b"})`, `1`, ""},
	{"length", `length("hello")`, `5`, ""},
	{"length", `length("👾🕹️")`, `2`, ""},

	{"lookup", `lookup({a="ay", b="bee"}, "a", "what?")`, `"ay"`, ""},
	{"lookup", `lookup({a="ay", b="bee"}, "c", "what?")`, `"what?"`, ""},

	{"lower", `lower("HELLO")`, `"hello"`, ""},
	{"lower", `lower("ΓΕΙΑ ΣΟΥ")`, `"γεια σου"`, ""},

	{"max", `max(12, 54, 3)`, `54`, ""},
	{"max", `max([12, 54, 3]...)`, `54`, ""},

	{"merge", `merge({a="b", c="d"}, {e="f", c="z"})`, `{a = "b", c = "z", e = "f"}`, ""},
	{"merge", `merge({a="b"}, {a=[1,2], c="z"}, {d=3})`, `{a = [1, 2], c = "z", d = 3}`, ""},
	{"merge", `merge([{a="b", c="d"}, {}, {e="f", c="z"}]...)`, `{a = "b", c = "z", e = "f"}`, ""},

	{"min", `min(12, 54, 3)`, `3`, ""},
	{"min", `min([12, 54, 3]...)`, `3`, ""},

	{"range", `range(3)`, `[0, 1, 2]`, ""},
	{"range", `range(1, 4)`, `[1, 2, 3]`, ""},
	{"range", `range(1, 8, 2)`, `[1, 3, 5, 7]`, ""},
	{"range", `range(1, 4, 0.5)`, `[1, 1.5, 2, 2.5, 3, 3.5]`, ""},
	{"range", `range(4, 1)`, `[4, 3, 2]`, ""},
	{"range", `range(10, 5, -2)`, `[10, 8, 6]`, ""},
	{"range", `range(1025)`, "", "more than 1024 values were generated"},

	{"regex", `regex("[a-z]+", "53453453.345345aaabbbccc23454")`, `"aaabbbccc"`, ""},
	{"regex", `regex("(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)", "2019-02-01")`, `["2019", "02", "01"]`, ""},
	{"regex", `regex("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/")`, `{authority = "terraform.io", scheme = "https"}`, ""},
	{"regex", `regex("[a-z]+", "53453453.34534523454")`, "", "pattern did not match any part of the given string"},

	{"replace", `replace("1 + 2 + 3", "+", "-")`, `"1 - 2 - 3"`, ""},
	{"replace", `replace("hello world", "/w.*d/", "everybody")`, `"hello everybody"`, ""},

	{"split", `split(",", "foo,bar,baz")`, `["foo", "bar", "baz"]`, ""},
	{"split", `split(",", "foo")`, `["foo"]`, ""},
	{"split", `split(",", "")`, `[""]`, ""},

	{"tomap", `tomap({"a" = 1, "b" = 2})`, `{a = 1, b = 2}`, ""},
	{"tomap", `tomap({"a" = "foo", "b" = true})`, `{a = "foo", b = "true"}`, ""},

	{"toset", `toset(["a", "b", "c"])`, `["a", "b", "c"]`, ""},
	{"toset", `toset(["a", "b", 3])`, `["3", "a", "b"]`, ""},
	{"toset", `toset(["c", "b", "b"])`, `["b", "c"]`, ""},

	{"trimprefix", `trimprefix("helloworld", "hello")`, `"world"`, ""},
	{"trimprefix", `trimprefix("helloworld", "cat")`, `"helloworld"`, ""},

	{"upper", `upper("hello")`, `"HELLO"`, ""},
	{"upper", `upper("алло!")`, `"АЛЛО!"`, ""},
}

// readmeFunctions are the functions the README's fleet language section
// names; each must have documented examples above.
var readmeFunctions = []string{
	"format", "lower", "upper", "join", "split", "concat", "merge", "lookup", "length",
	"range", "toset", "tomap", "coalesce", "min", "max", "replace", "regex", "trimprefix",
}

// TestFunctionsAsTerraformDocuments evaluates each documented example in
// a fleet file (as a local value, with var.name = "Valentina" as the
// documentation assumes) and compares the result with the documented one.
func TestFunctionsAsTerraformDocuments(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range terraformExamples {
		covered[c.function] = true
		t.Run(c.expr, func(t *testing.T) {
			src := `variable "name" { default = "Valentina" }
locals { x = ` + c.expr + ` }
server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = jsonencode(local.x)
}
`
			f, diags := loadSources([]source{{name: "example.hcl", src: []byte(src)}}, LoadOptions{})
			if c.wantErr != "" {
				if !diags.HasErrors() || !strings.Contains(diags.Error(), c.wantErr) {
					t.Fatalf("want an error saying %q, got %v", c.wantErr, diags)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatalf("%s", diags.Error())
			}
			if got, want := f.Servers[0].Location, literalJSON(t, c.want); got != want {
				t.Errorf("got %s, Terraform documents %s", got, want)
			}
		})
	}
	for _, name := range readmeFunctions {
		if !covered[name] {
			t.Errorf("no documented example of %s, which the README lists", name)
		}
	}
}

// literalJSON is the JSON encoding of an HCL literal.
func literalJSON(t *testing.T, literal string) string {
	t.Helper()
	expr, diags := hclsyntax.ParseExpression([]byte(literal), "want", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("bad expected value %s: %s", literal, diags.Error())
	}
	v, diags := expr.Value(nil)
	if diags.HasErrors() {
		t.Fatalf("bad expected value %s: %s", literal, diags.Error())
	}
	out, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
