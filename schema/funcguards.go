package schema

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// plainFunctions is the function table without guards, for looking up
// parameter types.
var plainFunctions = functions()

// guardFunctions returns the function table with every function (but try
// and can, whose arguments are expressions metered where they stand)
// wrapped so that m counts its result, and so that a function that would
// build far more than its arguments hold is refused before it does.
func guardFunctions(m *meter) map[string]function.Function {
	out := make(map[string]function.Function, len(plainFunctions))
	for name, f := range plainFunctions {
		if name == "try" || name == "can" {
			out[name] = f
			continue
		}
		out[name] = guard(m, name, f)
	}
	return out
}

// guard wraps f. Its parameters take any type and it converts the
// arguments itself, with convertValue, rather than have hcl convert them
// with cty's conversion, which takes time quadratic in the elements of a
// tuple or object converted to a list, set or map.
func guard(m *meter, name string, f function.Function) function.Function {
	estimate := estimators[name]
	params := f.Params()
	for i := range params {
		params[i].Type = cty.DynamicPseudoType
	}
	varParam := f.VarParam()
	if varParam != nil {
		vp := *varParam
		vp.Type = cty.DynamicPseudoType
		varParam = &vp
	}
	convertArgs := func(args []cty.Value) ([]cty.Value, error) {
		out := make([]cty.Value, len(args))
		for i, a := range args {
			ty := f.VarParam()
			if ps := f.Params(); i < len(ps) {
				ty = &ps[i]
			}
			conv, err := convertValue(a, ty.Type)
			if err != nil {
				return nil, function.NewArgError(i, err)
			}
			out[i] = conv
		}
		return out, nil
	}
	return function.New(&function.Spec{
		Description: f.Description(),
		Params:      params,
		VarParam:    varParam,
		Type: func(args []cty.Value) (cty.Type, error) {
			args, err := convertArgs(args)
			if err != nil {
				return cty.NilType, err
			}
			return f.ReturnTypeForValues(args)
		},
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			if m.trip != nil {
				return cty.UnknownVal(retType), nil
			}
			args, err := convertArgs(args)
			if err != nil {
				return cty.NilVal, err
			}
			if estimate != nil {
				if n, err := estimate(args); err != nil {
					m.refuse(limitDiag("Invalid function argument", fmt.Sprintf("Call to function %q: %s.", name, err), nil))
					return cty.NilVal, err
				} else if n > int64(m.left) {
					err := fmt.Errorf("the result would hold about %d values, more than the %d an expression may produce; reduce what it builds", n, maxExprValues)
					if n <= maxExprValues {
						err = fmt.Errorf("the result would hold about %d values, and the expression has already produced nearly all the %d values it may; reduce what it builds", n, maxExprValues)
					}
					m.refuse(limitDiag("Expression produces too many values", fmt.Sprintf("Call to function %q: %s.", name, err), nil))
					return cty.NilVal, err
				} else {
					m.left -= int(n)
				}
			}
			out, err := f.Call(args)
			if err != nil {
				return cty.NilVal, err
			}
			if !out.Type().Equals(retType) {
				// Type saw the same converted arguments, so the result
				// has retType already; this keeps cty's promise (it
				// panics on a result of another type) should a function
				// disagree with its own Type.
				if out, err = convertValue(out, retType); err != nil {
					return cty.NilVal, err
				}
			}
			s := newMeasurement(m.left, false, false)
			s.walk(out, 1)
			if s.problem != nil {
				d := s.problem(hcl.Range{})
				d.Subject = nil
				m.refuse(d)
				return cty.NilVal, fmt.Errorf("%s", strings.TrimSuffix(d.Detail, "."))
			}
			if s.units() > m.left {
				d := m.overBudget(hcl.Range{})
				d.Subject = nil
				m.refuse(d)
				return cty.NilVal, fmt.Errorf("the result holds more than the %d values an expression may produce; reduce what it builds", maxExprValues)
			}
			m.left -= s.units()
			return out, nil
		},
	})
}

// numericArgument reports whether argument i of the function name is read
// as a number (so that a string too long for that is refused before hcl
// converts it).
func numericArgument(name string, i int) bool {
	switch name {
	case "tonumber", "parseint":
		return i == 0
	case "format", "formatlist":
		return i > 0
	}
	f, ok := plainFunctions[name]
	if !ok {
		return false
	}
	if params := f.Params(); i < len(params) {
		return params[i].Type == cty.Number
	}
	if vp := f.VarParam(); vp != nil {
		return vp.Type == cty.Number
	}
	return false
}

// An estimator returns about how many values a call would produce,
// before it is made, for a function whose result can be far larger than
// its arguments; or an error when the call must not be made at all.
// Arguments are already converted to the parameters' types and may be
// unknown.
type estimator func(args []cty.Value) (int64, error)

var estimators = map[string]estimator{
	"range": func(args []cty.Value) (int64, error) {
		// range(limit), range(start, limit) or range(start, limit, step);
		// cty stops at 1024 elements.
		nums := make([]float64, len(args))
		for i, a := range args {
			if !known(a) {
				return 0, nil
			}
			nums[i], _ = a.AsBigFloat().Float64()
		}
		start, limit, step := 0.0, nums[0], 1.0
		if len(nums) > 1 {
			start, limit = nums[0], nums[1]
		}
		if len(nums) > 2 {
			step = nums[2]
		}
		if step == 0 {
			return 0, nil // the function reports it
		}
		return int64(min(math.Ceil(math.Abs((limit-start)/step)), 1024)), nil
	},
	"setproduct": func(args []cty.Value) (int64, error) {
		n := int64(1)
		for _, a := range args {
			if !a.IsKnown() || a.IsNull() {
				return 0, nil
			}
			n = mulSat(n, int64(a.LengthInt()))
		}
		return n, nil
	},
	"format": func(args []cty.Value) (int64, error) {
		if !known(args[0]) {
			return 0, nil
		}
		f := args[0].AsString()
		return stringUnits(int64(len(f)) + formatWidths(f) + stringBytes(args[1:])), nil
	},
	"formatlist": func(args []cty.Value) (int64, error) {
		if !known(args[0]) {
			return 0, nil
		}
		f := args[0].AsString()
		n := int64(1)
		for _, a := range args[1:] {
			if known(a) && (a.Type().IsListType() || a.Type().IsTupleType() || a.Type().IsSetType()) {
				n = max(n, int64(a.LengthInt()))
			}
		}
		return mulSat(n, 1+stringUnits(int64(len(f))+formatWidths(f))), nil
	},
	"indent": func(args []cty.Value) (int64, error) {
		if !known(args[0]) || !known(args[1]) {
			return 0, nil
		}
		spaces, _ := args[0].AsBigFloat().Int64()
		s := args[1].AsString()
		return stringUnits(addSat(int64(len(s)), mulSat(max(spaces, 0), int64(strings.Count(s, "\n"))))), nil
	},
	"join": func(args []cty.Value) (int64, error) {
		if !known(args[0]) {
			return 0, nil
		}
		elems := int64(0)
		for _, a := range args[1:] {
			if known(a) {
				elems += int64(a.LengthInt())
			}
		}
		return stringUnits(addSat(stringBytes(args[1:]), mulSat(elems, int64(len(args[0].AsString()))))), nil
	},
	"replace": func(args []cty.Value) (int64, error) {
		if !known(args[0]) || !known(args[1]) || !known(args[2]) {
			return 0, nil
		}
		s, sub, repl := args[0].AsString(), args[1].AsString(), args[2].AsString()
		matches := int64(strings.Count(s, sub))
		perMatch := int64(len(repl))
		if re, ok := replacePattern(sub); ok {
			matches = int64(len(re.FindAllStringIndex(s, maxExprValues*stringUnit)))
			if strings.Contains(repl, "$") {
				perMatch = mulSat(perMatch, int64(len(s))+1)
			}
		}
		return stringUnits(addSat(int64(len(s)), mulSat(matches, perMatch))), nil
	},
	"split": func(args []cty.Value) (int64, error) {
		if !known(args[0]) || !known(args[1]) {
			return 0, nil
		}
		s := args[1].AsString()
		return int64(strings.Count(s, args[0].AsString())) + 1 + stringUnits(int64(len(s))), nil
	},
	"regexall": func(args []cty.Value) (int64, error) {
		if !known(args[0]) || !known(args[1]) {
			return 0, nil
		}
		re, err := regexp.Compile(args[0].AsString())
		if err != nil {
			return 0, nil // the function reports it
		}
		s := args[1].AsString()
		matches := int64(len(re.FindAllStringIndex(s, maxExprValues+1)))
		return addSat(mulSat(matches, int64(re.NumSubexp())+1), stringUnits(int64(len(s)))), nil
	},
	"distinct": func(args []cty.Value) (int64, error) {
		if !known(args[0]) {
			return 0, nil
		}
		// distinct compares every element with those kept before it, and
		// a comparison costs about a tenth of building a value.
		n := int64(args[0].LengthInt())
		return mulSat(n, n) / 20, nil
	},
	"parseint": func(args []cty.Value) (int64, error) {
		if known(args[0]) && args[0].Type() == cty.String && len(args[0].AsString()) > maxNumberLen {
			return 0, fmt.Errorf("the number has more than %d digits, which takes too long to read", maxNumberLen)
		}
		return 0, nil
	},
	"jsondecode": func(args []cty.Value) (int64, error) {
		if !known(args[0]) {
			return 0, nil
		}
		s := args[0].AsString()
		if err := checkJSONLimits(s); err != nil {
			return 0, err
		}
		return int64(len(s))/2 + 1, nil
	},
}

// known reports whether v is known and not null.
func known(v cty.Value) bool { return v.IsKnown() && !v.IsNull() }

// stringBytes is the length of the known strings among vals and their
// elements (one level down).
func stringBytes(vals []cty.Value) int64 {
	n := int64(0)
	for _, v := range vals {
		if !known(v) {
			continue
		}
		if v.Type() == cty.String {
			n += int64(len(v.AsString()))
			continue
		}
		if v.CanIterateElements() {
			for it := v.ElementIterator(); it.Next(); {
				if _, e := it.Element(); known(e) && e.Type() == cty.String {
					n += int64(len(e.AsString()))
				}
			}
		}
	}
	return n
}

// stringUnits is how many values a string of n bytes counts as.
func stringUnits(n int64) int64 { return 1 + n/stringUnit }

// formatWidths sums the widths and precisions written in the verbs of a
// format string ("%10.3f" adds 13): what they can add to the result.
func formatWidths(f string) int64 {
	total := int64(0)
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		if i+1 < len(f) && f[i+1] == '%' {
			i++
			continue
		}
		n := int64(0)
		for i++; i < len(f) && strings.IndexByte("0123456789.-+ #[]", f[i]) >= 0; i++ {
			if c := f[i]; c >= '0' && c <= '9' {
				n = addSat(mulSat(n, 10), int64(c-'0'))
			} else {
				total, n = addSat(total, n), 0
			}
		}
		total = addSat(total, n)
	}
	return total
}

// replacePattern returns the regular expression of a replace substring
// written /like this/, as Terraform's replace reads it.
func replacePattern(sub string) (*regexp.Regexp, bool) {
	if len(sub) < 2 || sub[0] != '/' || sub[len(sub)-1] != '/' {
		return nil, false
	}
	re, err := regexp.Compile(sub[1 : len(sub)-1])
	return re, err == nil
}

// checkJSONLimits refuses JSON nested deeper than maxNesting or holding a
// number longer than maxNumberLen, before it is decoded.
func checkJSONLimits(s string) error {
	depth, digits := 0, 0
	inString, escaped := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		if c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E' {
			if digits++; digits > maxNumberLen {
				return fmt.Errorf("the JSON holds a number longer than %d characters", maxNumberLen)
			}
			continue
		}
		digits = 0
		switch c {
		case '"':
			inString = true
		case '[', '{':
			if depth++; depth > maxNesting {
				return fmt.Errorf("the JSON nests more than %d levels deep", maxNesting)
			}
		case ']', '}':
			depth--
		}
	}
	return nil
}

func addSat(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

func mulSat(a, b int64) int64 {
	if a != 0 && b > math.MaxInt64/a {
		return math.MaxInt64
	}
	return a * b
}
