package schema

import (
	"testing"
)

// TestFunctions evaluates each function through a fleet file: the
// expression's jsonencode is the server's location.
func TestFunctions(t *testing.T) {
	cases := []struct{ expr, want string }{
		{`format("web-%02d", 7)`, `"web-07"`},
		{`formatlist("web-%s", ["a", "b"])`, `["web-a","web-b"]`},
		{`lower("WEB")`, `"web"`},
		{`upper("web")`, `"WEB"`},
		{`title("web server")`, `"Web Server"`},
		{`join("-", ["a", "b"])`, `"a-b"`},
		{`split(",", "a,b")`, `["a","b"]`},
		{`concat(["a"], ["b", "c"])`, `["a","b","c"]`},
		{`merge({ a = 1 }, { b = 2 })`, `{"a":1,"b":2}`},
		{`lookup({ a = "x" }, "b", "fallback")`, `"fallback"`},
		{`length(["a", "b", "c"])`, `3`},
		{`length("four")`, `4`},
		{`range(3)`, `[0,1,2]`},
		{`toset(["b", "a", "b"])`, `["a","b"]`},
		{`tolist(toset(["b", "a"]))`, `["a","b"]`},
		{`tomap({ a = "x" })`, `{"a":"x"}`},
		{`tostring(5)`, `"5"`},
		{`tonumber("5")`, `5`},
		{`tobool("true")`, `true`},
		{`coalesce(null, "b")`, `"b"`},
		{`min(3, 1, 2)`, `1`},
		{`max(3, 1, 2)`, `3`},
		{`replace("a-b-c", "-", "_")`, `"a_b_c"`},
		{`regex("[0-9]+", "web-42")`, `"42"`},
		{`regexall("[0-9]", "a1b2")`, `["1","2"]`},
		{`trimprefix("web-01", "web-")`, `"01"`},
		{`trimsuffix("web-01", "-01")`, `"web"`},
		{`trimspace("  web ")`, `"web"`},
		{`substr("web-01", 0, 3)`, `"web"`},
		{`contains(["a", "b"], "b")`, `true`},
		{`keys({ b = 1, a = 2 })`, `["a","b"]`},
		{`values({ b = 1, a = 2 })`, `[2,1]`},
		{`element(["a", "b"], 3)`, `"b"`},
		{`flatten([["a"], ["b", ["c"]]])`, `["a","b","c"]`},
		{`distinct(["a", "b", "a"])`, `["a","b"]`},
		{`sort(["b", "a"])`, `["a","b"]`},
		{`abs(-3)`, `3`},
		{`ceil(1.2)`, `2`},
		{`floor(1.8)`, `1`},
		{`zipmap(["a", "b"], [1, 2])`, `{"a":1,"b":2}`},
		{`jsondecode("{\"a\":1}")`, `{"a":1}`},
		{`can(tonumber("x"))`, `false`},
		{`try(tonumber("x"), 0)`, `0`},
		{`"web-${1 + 1}"`, `"web-2"`},
		{`[for s in ["a", "b"] : upper(s)]`, `["A","B"]`},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			dir := writeFleet(t, map[string]string{"fleet.hcl": `
server "web-01" {
  plan_id  = 1
  os_id    = 5
  location = jsonencode(` + c.expr + `)
}
`})
			f, diags := Load(dir, LoadOptions{})
			if diags.HasErrors() {
				t.Fatalf("%s", diags.Error())
			}
			if got := f.Servers[0].Location; got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}
