package schema

import (
	"sort"

	"github.com/hashicorp/hcl/v2"
)

// LoadOptions are the variable values given from outside the fleet files,
// and how to treat variables given none.
//
// A variable takes the value of the last of these that sets it: its
// default, then the environment (Environ), then the *.auto.vars.hcl files
// beside the fleet in lexical order, then VarFiles, then Vars, then
// Options in command-line order, as Terraform orders its own.
type LoadOptions struct {
	// Options are the -var and -var-file options in command-line order
	// (later wins), as the CLI should pass them: -var-file a -var x=1
	// -var-file b lets b override x.
	Options []VarOption
	// Vars are raw -var values "NAME=VALUE", in command-line order (later
	// wins), taken after VarFiles: for callers that do not know how they
	// interleave with VarFiles.
	Vars []string
	// VarFiles are -var-file paths (*.vars.hcl), in order (later wins).
	VarFiles []string
	// Environ is os.Environ()-style; its VPSFLEET_VAR_<NAME>=VALUE entries
	// give variable values.
	Environ []string
	// Validate loads the fleet the way `vpsfleet validate` checks it, like
	// `terraform validate`: a variable with neither a value nor a default
	// is not an error but an unknown value of its declared type, so every
	// expression is still type-checked and every other problem reported.
	// What depends on an unknown value is not checked for its value, and
	// is left out of the Fleet, which is then Partial.
	Validate bool

	// autoVarFiles are the *.auto.vars.hcl files Load found, in order.
	autoVarFiles []string
	// bytesRead is the size of the fleet files Load read.
	bytesRead int
}

// VarOption is one -var or -var-file option of the command line.
type VarOption struct {
	// File is true for -var-file, whose Value is the file's path, and
	// false for -var, whose Value is "NAME=VALUE".
	File  bool
	Value string
}

// autoVarFileSuffix marks variable files read without being named.
const autoVarFileSuffix = ".auto.vars.hcl"

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
// *.vars.hcl and hidden files, in name order) or one .hcl file — with the
// variable values of opts and of the *.auto.vars.hcl files beside it (in
// the directory, or in the file's directory), and returns the decoded,
// validated Fleet together with ALL the diagnostics of the run (warnings
// included). The Fleet is nil when any diagnostic is an error; otherwise
// Files and Hash are filled. Load never panics, whatever the input.
func Load(path string, opts LoadOptions) (*Fleet, hcl.Diagnostics) {
	names, diags := fleetFileNames(path)
	if diags.HasErrors() {
		return nil, diags
	}
	autoVars, autoDiags := autoVarFileNames(path)
	diags = append(diags, autoDiags...)
	sources := make([]source, 0, len(names))
	total := 0
	for _, name := range names {
		src, readDiags := ReadFleetFile(name)
		diags = append(diags, readDiags...)
		if readDiags.HasErrors() {
			continue
		}
		if total += len(src); total > maxFleetSize {
			diags = append(diags, fleetTooLarge(name))
			break
		}
		sources = append(sources, source{name: name, src: src})
	}
	if diags.HasErrors() {
		return nil, diags
	}
	opts.autoVarFiles = autoVars
	opts.bytesRead = total
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
	for _, s := range sources {
		f, fd := parseConfig(s.src, s.name)
		l.add(fd)
		l.files[s.name] = f // parseConfig always returns the file
		if fd.HasErrors() {
			// The other files are still decoded, so every file's
			// problems show in one run; what this one declares is
			// noted so that they are decoded without follow-on errors.
			l.noteBroken(f, fd)
			continue
		}
		// An unknown block or a wrong label count leaves that block out;
		// the rest is still decoded, so every problem shows in one run.
		content, cd := bodyContent(f.Body, fileSchema)
		l.add(cd)
		blocks = append(blocks, content.Blocks...)
	}
	l.validate = opts.Validate
	l.bytesRead = opts.bytesRead
	l.load(blocks, opts)
	diags := l.finish()
	if diags.HasErrors() {
		return nil, diags
	}
	fleet := l.fleet
	fleet.Files = l.files
	fleet.Partial = l.unknowns > 0
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
	l.declareBroken()
	l.assignVariables(opts)
	l.validateVariables()
	l.declareBrokenLocals()
	l.decodeLocals(byType["locals"])
	l.decodeFleetBlock(byType["fleet"])
	l.decodeDefaults(byType["defaults"])
	l.decodeServers(byType["server"])
	l.decodeMoves(byType["moved"])
}
