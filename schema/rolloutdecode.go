package schema

import (
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

var rolloutSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "max_unavailable"}, {Name: "pause"}, {Name: "max_failures"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "health_check"}},
}

var healthCheckSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "command", Required: true}, {Name: "timeout"}, {Name: "interval"}, {Name: "retries"},
	},
}

// maxRolloutCount bounds the whole numbers of a rollout block (servers,
// failures, retries).
const maxRolloutCount = maxInstances

// decodeRollout reads the rollout block among blocks (at most one, in a
// server block or the defaults block, as where says), or returns nil when
// there is none. An attribute whose value is refused (and reported) keeps
// its default.
func (l *loader) decodeRollout(blocks hcl.Blocks, where string) *Rollout {
	if len(blocks) == 0 {
		return nil
	}
	l.refuseDuplicates(blocks, "A "+where+" may hold one rollout block; another was defined at %s. Merge them.")
	content, diags := bodyContent(blocks[0].Body, rolloutSchema)
	l.add(diags)
	r := &Rollout{MaxUnavailable: MaxUnavailable{Count: 1}, Range: blocks[0].DefRange}
	if val, a, ok := l.rolloutValue(content, "max_unavailable"); ok {
		if m, ok := l.maxUnavailable(val, a); ok {
			r.MaxUnavailable = m
		}
	}
	if val, a, ok := l.rolloutValue(content, "pause"); ok {
		if d, ok := l.duration(val, a, false); ok {
			r.Pause = d
		}
	}
	if val, a, ok := l.rolloutValue(content, "max_failures"); ok {
		if n, ok := l.wholeNumber(val, a, 0); ok {
			r.MaxFailures = n
		}
	}
	if len(content.Blocks) > 0 {
		l.refuseDuplicates(content.Blocks, "A rollout block may hold one health_check block; another was defined at %s. Merge them.")
		r.HealthCheck = l.decodeHealthCheck(content.Blocks[0])
	}
	return r
}

// decodeHealthCheck reads a health_check block.
func (l *loader) decodeHealthCheck(b *hcl.Block) *HealthCheck {
	content, diags := bodyContent(b.Body, healthCheckSchema)
	l.add(diags)
	hc := &HealthCheck{Timeout: DefaultHealthCheckTimeout, Interval: DefaultHealthCheckInterval, Retries: DefaultHealthCheckRetries}
	if val, a, ok := l.rolloutValue(content, "command"); ok {
		hc.Command = l.command(val, a)
	}
	if val, a, ok := l.rolloutValue(content, "timeout"); ok {
		if d, ok := l.duration(val, a, true); ok {
			hc.Timeout = d
		}
	}
	if val, a, ok := l.rolloutValue(content, "interval"); ok {
		if d, ok := l.duration(val, a, true); ok {
			hc.Interval = d
		}
	}
	if val, a, ok := l.rolloutValue(content, "retries"); ok {
		if n, ok := l.wholeNumber(val, a, 0); ok {
			hc.Retries = n
		}
	}
	return hc
}

// rolloutValue evaluates the attribute name of content, if it is set to
// something known and not null.
func (l *loader) rolloutValue(content *hcl.BodyContent, name string) (cty.Value, *hcl.Attribute, bool) {
	a := content.Attributes[name]
	if a == nil {
		return cty.NilVal, nil, false
	}
	val, ok := l.eval(a.Expr, l.ctx, scopeBase)
	if !ok || val.IsNull() || !val.IsWhollyKnown() {
		if ok && !val.IsWhollyKnown() {
			l.unknownOK(val, cty.DynamicPseudoType, name, a.Expr.Range())
		}
		return cty.NilVal, nil, false
	}
	return val, a, true
}

// maxUnavailable decodes max_unavailable: a whole number of servers, at
// least 1, or a percentage string from "1%" to "100%".
func (l *loader) maxUnavailable(val cty.Value, a *hcl.Attribute) (MaxUnavailable, bool) {
	const rule = `max_unavailable must be a whole number of servers, at least 1 (such as 2), or a whole percentage of the group from "1%" to "100%" (such as "10%")`
	rng := a.Expr.Range()
	switch val.Type() {
	case cty.Number:
		bf := val.AsBigFloat()
		if !bf.IsInt() || bf.Sign() <= 0 || bf.Cmp(big.NewFloat(maxRolloutCount)) > 0 {
			l.errorf(rng, "Invalid max_unavailable", "%s; not %s.", rule, bf.Text('g', 10))
			return MaxUnavailable{}, false
		}
		n, _ := bf.Int64()
		return MaxUnavailable{Count: int(n)}, true
	case cty.String:
		s := val.AsString()
		digits, isPercent := strings.CutSuffix(strings.TrimSpace(s), "%")
		p, err := strconv.Atoi(strings.TrimSpace(digits))
		if !isPercent || err != nil || p < 1 || p > 100 {
			l.errorf(rng, "Invalid max_unavailable", "%s; not %s.", rule, l.shown(a.Expr, s))
			return MaxUnavailable{}, false
		}
		return MaxUnavailable{Percent: p}, true
	}
	l.errorf(rng, "Invalid max_unavailable", "%s; not %s.", rule, describe(val))
	return MaxUnavailable{}, false
}

// duration decodes a duration string such as "30s" or "1m30s"; positive
// says it must be more than zero (else it may be zero, never negative).
func (l *loader) duration(val cty.Value, a *hcl.Attribute, positive bool) (time.Duration, bool) {
	rng := a.Expr.Range()
	least := "zero or more"
	if positive {
		least = "more than zero"
	}
	if val.Type() != cty.String {
		l.errorf(rng, "Invalid duration", "%s must be a duration written as a string, such as \"30s\", \"2m\" or \"1m30s\", not %s.", a.Name, describe(val))
		return 0, false
	}
	s := val.AsString()
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		l.errorf(rng, "Invalid duration", "%s is not a duration: write a number and a unit (ms, s, m or h), such as \"30s\", \"2m\" or \"1m30s\". %s cannot be read as one.", a.Name, sentence(l.shown(a.Expr, s)))
		return 0, false
	case d < 0 || positive && d == 0:
		l.errorf(rng, "Invalid duration", "%s must be %s, not %s.", a.Name, least, l.shown(a.Expr, s))
		return 0, false
	}
	return d, true
}

// wholeNumber decodes a whole number from least up to maxRolloutCount.
func (l *loader) wholeNumber(val cty.Value, a *hcl.Attribute, least int) (int, bool) {
	rng := a.Expr.Range()
	n, err := l.toNumber(val, rng)
	if err != nil {
		if err != errReported {
			l.errorf(rng, "Incorrect attribute value type", "%s must be a whole number, not %s.", a.Name, describe(val))
		}
		return 0, false
	}
	bf := n.AsBigFloat()
	if !bf.IsInt() || bf.Cmp(big.NewFloat(float64(least))) < 0 || bf.Cmp(big.NewFloat(maxRolloutCount)) > 0 {
		l.errorf(rng, "Invalid "+a.Name, "%s must be a whole number from %d to %d, not %s.", a.Name, least, maxRolloutCount, bf.Text('g', 10))
		return 0, false
	}
	i, _ := bf.Int64()
	return int(i), true
}

// command decodes a health check's command: a list of strings, the first
// (the program) not empty.
func (l *loader) command(val cty.Value, a *hcl.Attribute) []string {
	rng := a.Expr.Range()
	list, err := convert.Convert(val, cty.List(cty.String))
	if err != nil {
		l.errorf(rng, "Invalid health check command", "command must be a list of strings, the program and its arguments, such as [\"./check.sh\", \"--quick\"]; not %s.", describe(val))
		return nil
	}
	var out []string
	for _, v := range list.AsValueSlice() {
		if v.IsNull() {
			l.errorf(rng, "Invalid health check command", "An element of command is null; every element must be a string.")
			return nil
		}
		out = append(out, v.AsString())
	}
	if len(out) == 0 || strings.TrimSpace(out[0]) == "" {
		l.errorf(rng, "Invalid health check command", "command must name a program to run, such as [\"./check.sh\"]; its first element is the program, and it is empty here.")
		return nil
	}
	return out
}
