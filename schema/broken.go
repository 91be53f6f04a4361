package schema

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// brokenDecls is what the fleet files with syntax errors declare, as far
// as their partial syntax trees show. Those files are not decoded, but the
// others are, and without errors that only the broken files' content
// explains: a reference to a variable or local declared in a broken file,
// a server relying on a broken file's defaults, a moved block to one of
// its servers. Whatever depends on a broken file's declarations is
// unknown, as in validate mode, and is not checked further.
type brokenDecls struct {
	vars     []string // variables declared
	locals   []string // local values declared
	defaults bool     // a defaults block was seen
	servers  bool     // a server block was seen
	// lostLocals is set when a locals block has an error inside, so names
	// after the error may be missing; lost when a file's structure was
	// lost (an error outside every block, or a block left open to the end
	// of the file), so that any declaration may be missing.
	lostLocals, lost bool
}

// noteBroken records the declarations of f, a fleet file whose parse gave
// the errors diags.
func (l *loader) noteBroken(f *hcl.File, diags hcl.Diagnostics) {
	if l.broken == nil {
		l.broken = &brokenDecls{}
	}
	b := l.broken
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok || len(body.Blocks) == 0 {
		b.lost = true
		return
	}
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		var in *hclsyntax.Block
		for _, blk := range body.Blocks {
			if d.Subject != nil && contains(blk.Range(), *d.Subject) {
				in = blk
			}
		}
		switch {
		case in == nil:
			b.lost = true
		case !closed(in, f.Bytes):
			b.lost = true // left open: what follows is inside it
		case in.Type == "locals":
			b.lostLocals = true
		}
	}
	b.note(body.Blocks)
}

// note records the declarations among blocks, and among the blocks
// nested in them (a block left open swallows the ones after it).
func (b *brokenDecls) note(blocks hclsyntax.Blocks) {
	for _, blk := range blocks {
		switch blk.Type {
		case "variable":
			if len(blk.Labels) == 1 {
				b.vars = append(b.vars, blk.Labels[0])
			}
		case "locals":
			for name := range blk.Body.Attributes {
				b.locals = append(b.locals, name)
			}
		case "defaults":
			b.defaults = true
		case "server":
			b.servers = true
		}
		b.note(blk.Body.Blocks)
	}
}

// closed reports whether blk ends with its closing brace in src (the
// parser ends a block left open at the end of the file).
func closed(blk *hclsyntax.Block, src []byte) bool {
	i := blk.CloseBraceRange.Start.Byte
	return i < len(src) && src[i] == '}'
}

// contains reports whether outer holds inner (by byte offsets).
func contains(outer, inner hcl.Range) bool {
	return outer.Filename == inner.Filename && outer.Start.Byte <= inner.Start.Byte && inner.Start.Byte < outer.End.Byte
}

// declareBroken declares, once the good files' variables are decoded, the
// variables and locals of broken files as unknown values, and the
// defaults of a broken file as refused (so servers relying on them are
// not reported).
func (l *loader) declareBroken() {
	b := l.broken
	if b == nil {
		return
	}
	for _, name := range b.vars {
		if l.vars[name] == nil && hclsyntax.ValidIdentifier(name) {
			l.vars[name] = &variable{name: name, typ: cty.DynamicPseudoType, value: cty.DynamicVal, broken: true, source: "in a file with syntax errors"}
			l.varOrder = append(l.varOrder, name)
		}
	}
	if b.defaults || b.lost {
		for _, a := range ServerAttributes {
			l.defaultsSet[string(a)] = true
			l.defaultsFailed[string(a)] = true
		}
	}
}

// declareBrokenLocals declares the locals of broken files not declared by
// the others, as unknown values.
func (l *loader) declareBrokenLocals() {
	if l.broken == nil {
		return
	}
	for _, name := range l.broken.locals {
		if _, declared := l.locals[name]; !declared {
			l.locals[name] = cty.DynamicVal
		}
	}
}

// mayBeDeclaredInBrokenFile reports whether a variable (root "var") or a
// local ("local") not declared may yet be declared in a broken file.
func (l *loader) mayBeDeclaredInBrokenFile(root string) bool {
	b := l.broken
	if b == nil {
		return false
	}
	return b.lost || root == "local" && b.lostLocals
}
