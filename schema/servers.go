package schema

import (
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

var serverSchema = &hcl.BodySchema{
	Attributes: attributeSchemas("count", "for_each", "name"),
	Blocks:     []hcl.BlockHeaderSchema{{Type: "lifecycle"}},
}

// maxInstanceErrors is how many failing instances of one block are
// reported before the rest of its expansion is skipped.
const maxInstanceErrors = 5

// serverBlock is a server block under decoding.
type serverBlock struct {
	block   *hcl.Block
	content *hcl.BodyContent
	grouped bool
	// base is the server with defaults and every attribute that does not
	// depend on count/each applied.
	base DesiredServer
	// perInstance are the attributes evaluated once per instance.
	perInstance []*hcl.Attribute
	// failed are the attributes whose base value was refused (reported).
	failed []string
	// structMissing is set when checkRequired found a required attribute
	// named neither in the block nor in defaults.
	structMissing bool
	// dupReported is set once a duplicate name inside the block is reported.
	dupReported bool
}

// decodeServers reads every server block, expanding count and for_each,
// and checks that server names are unique across all of them.
func (l *loader) decodeServers(blocks hcl.Blocks) {
	names := make(map[string]hcl.Range, len(blocks))
	labels := make(map[string]*serverBlock, len(blocks))
	l.fleet.Servers = make([]DesiredServer, 0, len(blocks))
	for _, b := range blocks {
		content, diags := bodyContent(b.Body, serverSchema)
		l.add(diags)
		sb := &serverBlock{block: b, content: content}
		sb.grouped = content.Attributes["count"] != nil || content.Attributes["for_each"] != nil
		label := b.Labels[0]
		if prev := labels[label]; prev != nil && (prev.grouped || sb.grouped) {
			l.errorf(b.LabelRanges[0], "Duplicate server block",
				"Only one server block labelled %q is allowed. Another was defined at %s. Rename one of them.",
				label, rangeString(prev.block.DefRange))
			continue
		} else if prev == nil {
			labels[label] = sb
		}
		l.decodeServer(sb, names)
	}
}

// decodeServer decodes one server block and adds its servers. A block
// whose count/for_each/name combination is wrong is still checked
// attribute by attribute, so every problem in it is reported, but it adds
// no server.
func (l *loader) decodeServer(sb *serverBlock, names map[string]hcl.Range) {
	b, attrs := sb.block, sb.content.Attributes
	label := b.Labels[0]
	countAttr, eachAttr, nameAttr := attrs["count"], attrs["for_each"], attrs["name"]
	expand := true
	if countAttr != nil && eachAttr != nil {
		l.errorf(eachAttr.NameRange, "Invalid combination of \"count\" and \"for_each\"",
			"A server block may set count or for_each, not both. Keep the one that describes the group.")
		expand = false
	}
	if !sb.grouped && nameAttr != nil {
		l.errorf(nameAttr.NameRange, "Unexpected \"name\" argument",
			"name is only used with count or for_each. Without them the block's label (%q) is the server's name: remove name, or put the name in the label.", label)
	}
	if sb.grouped && nameAttr == nil {
		l.errorf(b.DefRange, "Missing required argument \"name\"",
			"Server block %q uses count or for_each, so it describes several servers and each needs its own name. Add, for example, name = format(\"%s-%%02d\", count.index + 1) or name = each.key.",
			label, label)
		expand = false
	}
	l.checkRequired(sb)
	lifecycle := l.decodeLifecycle(sb.content.Blocks)
	l.prepareBase(sb)
	sb.base.Lifecycle = lifecycle
	sb.base.Range = b.DefRange
	sb.base.Group = label
	if !expand {
		return
	}

	switch {
	case countAttr != nil:
		l.expandCount(sb, countAttr, names)
	case eachAttr != nil:
		l.expandForEach(sb, eachAttr, names)
	default:
		s := sb.base
		s.Name = label
		complete := l.checkNullRequired(sb, &s, sb.failed)
		if !ValidServerName(label) {
			l.errorf(b.LabelRanges[0], "Invalid server name", "%q is not a valid server name. %s", label, nameRule)
			return
		}
		if complete {
			l.addServer(sb, s, b.LabelRanges[0], names)
		}
	}
}

// checkRequired reports required attributes that neither the block nor
// the defaults block sets.
func (l *loader) checkRequired(sb *serverBlock) {
	var missing []string
	for _, attr := range RequiredAttributes {
		if name := string(attr); sb.content.Attributes[name] == nil && !l.defaultsSet[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return
	}
	sb.structMissing = true
	label, it := sb.block.Labels[0], "it"
	if len(missing) > 1 {
		it = "them"
	}
	l.errorf(sb.block.DefRange, "Missing required argument",
		"Server %q does not set %s, and no defaults block sets %s either. Add %s = ... to the server block, or to a defaults block to share it.",
		label, strings.Join(missing, ", "), it, missing[0])
}

// checkNullRequired reports, once the values are known, a required
// attribute that the block or the defaults block names but whose value is
// null, so that s has none. Attributes whose value was refused (failed)
// were reported already. It returns whether s has every required value.
func (l *loader) checkNullRequired(sb *serverBlock, s *DesiredServer, failed []string) bool {
	if sb.structMissing {
		return false // reported by checkRequired
	}
	complete := true
	for _, attr := range RequiredAttributes {
		name := string(attr)
		if hasValue(s, attr) || slices.Contains(failed, name) || l.defaultsFailed[name] {
			continue
		}
		complete = false
		subject := sb.block.DefRange
		if a := sb.content.Attributes[name]; a != nil {
			subject = a.Expr.Range()
		}
		l.errorf(subject, "Missing required argument",
			"%s is null for server block %q, and no defaults block gives it a value (null counts as not set). Set %s to a value here, or in a defaults block to share it.",
			name, sb.block.Labels[0], name)
	}
	return complete
}

// prepareBase applies defaults and the attributes that are the same for
// every instance, once per block; sb.failed records the attributes whose
// value was refused.
func (l *loader) prepareBase(sb *serverBlock) {
	sb.base = l.defaults
	sb.base.AttrRanges = make(map[Attribute]hcl.Range, len(l.defaults.AttrRanges)+len(sb.content.Attributes))
	maps.Copy(sb.base.AttrRanges, l.defaults.AttrRanges)
	sc := scopeBase
	for _, a := range sortedAttrs(sb.content.Attributes) {
		switch a.Name {
		case "count", "for_each", "name":
			continue
		}
		if sb.grouped && dependsOnInstance(a.Expr) {
			sb.perInstance = append(sb.perInstance, a)
			continue
		}
		val, ok := l.eval(a.Expr, l.ctx, sc)
		if !ok || !l.setAttribute(&sb.base, a.Name, val, a.Expr) {
			sb.failed = append(sb.failed, a.Name)
		}
	}
}

// dependsOnInstance reports whether expr refers to count or each.
func dependsOnInstance(expr hcl.Expression) bool {
	if isLiteral(expr) {
		return false
	}
	for _, t := range expr.Variables() {
		if r := t.RootName(); r == "count" || r == "each" {
			return true
		}
	}
	return false
}

// instantiate evaluates one instance's name and per-instance attributes
// in ctx and adds the server. It reports whether the instance had errors.
func (l *loader) instantiate(sb *serverBlock, ctx *hcl.EvalContext, sc scope, names map[string]hcl.Range) bool {
	before := len(l.diags)
	s := sb.base
	// Clipped, so an instance's failures are appended to a copy.
	failed := slices.Clip(sb.failed)
	if len(sb.perInstance) > 0 {
		s.AttrRanges = maps.Clone(sb.base.AttrRanges)
		for _, a := range sb.perInstance {
			val, ok := l.eval(a.Expr, ctx, sc)
			if !ok || !l.setAttribute(&s, a.Name, val, a.Expr) {
				failed = append(failed, a.Name)
			}
		}
	}
	complete := l.checkNullRequired(sb, &s, failed)
	nameExpr := sb.content.Attributes["name"].Expr
	val, ok := l.eval(nameExpr, ctx, sc)
	if ok {
		if name, ok := l.stringValue(val, nameExpr.Range(), "name"); ok {
			if !ValidServerName(name) {
				l.errorf(nameExpr.Range(), "Invalid server name", "%s is not a valid server name. %s", sentence(l.shown(nameExpr, name)), nameRule)
			} else if complete {
				s.Name = name
				l.addServer(sb, s, nameExpr.Range(), names)
			}
		}
	}
	return hcl.Diagnostics(l.diags[before:]).HasErrors()
}

// addServer adds s, declared at site, unless its name is taken.
func (l *loader) addServer(sb *serverBlock, s DesiredServer, site hcl.Range, names map[string]hcl.Range) {
	if prev, taken := names[s.Name]; taken {
		if prev == site {
			if !sb.dupReported {
				sb.dupReported = true
				l.errorf(site, "Duplicate server name",
					"The name expression of server block %q gives %q for more than one instance. Make it depend on count.index or each.key so that every instance has its own name.",
					sb.block.Labels[0], s.Name)
			}
			return
		}
		l.errorf(site, "Duplicate server name",
			"Only one server named %q is allowed. Another was defined at %s. Rename one of them.", s.Name, rangeString(prev))
		return
	}
	names[s.Name] = site
	l.fleet.Servers = append(l.fleet.Servers, s)
}
