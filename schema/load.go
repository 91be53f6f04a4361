package schema

import (
	"sort"

	"github.com/hashicorp/hcl/v2"
)

// LoadOptions are the variable values given from outside the fleet files.
type LoadOptions struct {
	// Vars are raw -var values "NAME=VALUE", in command-line order (later
	// wins).
	Vars []string
	// VarFiles are -var-file paths (*.vars.hcl), in order (later wins).
	VarFiles []string
	// Environ is os.Environ()-style; its VPSFLEET_VAR_<NAME>=VALUE entries
	// give variable values.
	Environ []string
}

// fileSchema is the top level of a fleet file.
var fileSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "fleet"},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "defaults"},
		{Type: "server", LabelNames: []string{"name"}},
		{Type: "moved"},
	},
}

// Load reads the fleet at path — a directory (every *.hcl in it except
// *.vars.hcl and hidden files, in name order) or one .hcl file — with the variable values of
// opts, and returns the decoded, validated Fleet together with ALL the
// diagnostics of the run (warnings included). The Fleet is nil when any
// diagnostic is an error; otherwise Files and Hash are filled. Load never
// panics, whatever the input.
func Load(path string, opts LoadOptions) (*Fleet, hcl.Diagnostics) {
	names, diags := fleetFileNames(path)
	if diags.HasErrors() {
		return nil, diags
	}
	sources := make([]source, 0, len(names))
	for _, name := range names {
		src, readDiags := ReadFleetFile(name)
		diags = append(diags, readDiags...)
		if !readDiags.HasErrors() {
			sources = append(sources, source{name: name, src: src})
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return loadSources(sources, opts)
}

// source is one fleet file's name and content.
type source struct {
	name string
	src  []byte
}

// loadSources is Load on fleet files already read.
func loadSources(sources []source, opts LoadOptions) (*Fleet, hcl.Diagnostics) {
	l := newLoader()
	var blocks hcl.Blocks
	syntaxErrors := false
	for _, s := range sources {
		f, fd := parseConfig(s.src, s.name)
		l.add(fd)
		l.files[s.name] = f // parseConfig always returns the file
		if fd.HasErrors() {
			syntaxErrors = true
			continue
		}
		// An unknown block or a wrong label count leaves that block out;
		// the rest is still decoded, so every problem shows in one run.
		content, cd := bodyContent(f.Body, fileSchema)
		l.add(cd)
		blocks = append(blocks, content.Blocks...)
	}
	if syntaxErrors {
		// Decoding a file that does not parse only adds confusing
		// follow-on problems: report the syntax first.
		return nil, l.diags
	}
	l.load(blocks, opts)
	diags := l.finish()
	if diags.HasErrors() {
		return nil, diags
	}
	fleet := l.fleet
	fleet.Files = l.files
	sort.Slice(fleet.Servers, func(i, j int) bool { return fleet.Servers[i].Name < fleet.Servers[j].Name })
	fleet.Hash = fleetHash(fleet)
	return fleet, diags
}

// load decodes the top-level blocks in dependency order: variables, locals,
// then fleet, defaults, servers and moved blocks, which may use both.
func (l *loader) load(blocks hcl.Blocks, opts LoadOptions) {
	byType := map[string]hcl.Blocks{}
	for _, b := range blocks {
		byType[b.Type] = append(byType[b.Type], b)
	}
	l.decodeVariables(byType["variable"])
	l.assignVariables(opts)
	l.validateVariables()
	l.decodeLocals(byType["locals"])
	l.decodeFleetBlock(byType["fleet"])
	l.decodeDefaults(byType["defaults"])
	l.decodeServers(byType["server"])
	l.decodeMoves(byType["moved"])
}
