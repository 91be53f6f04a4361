package planfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vpsfleet/vpsfleet/engine"
	"github.com/vpsfleet/vpsfleet/internal/atomicfile"
)

// Write writes sp to path atomically (internal/atomicfile), mode 0600. On
// failure path is left as it was and no temporary file remains.
func Write(path string, sp *File) error {
	if sp == nil || sp.Plan == nil {
		return fmt.Errorf("write plan file %s: there is no plan to write", path)
	}
	data, err := json.MarshalIndent(sp, "", "  ")
	if err != nil {
		return fmt.Errorf("write plan file %s: %w", path, err)
	}
	data = append(data, '\n')
	if err := atomicfile.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("write plan file %s: %w", path, err)
	}
	return nil
}

// Read reads a plan file written by Write. It fails with
// an error naming the file when it cannot be read, is not a vpsfleet plan
// file, or is of another format version (make the plan again with this
// version of vpsfleet).
func Read(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read plan file: %w", err)
	}
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil || head.Format != Format {
		return nil, fmt.Errorf("%s is not a vpsfleet plan file; write one with `vpsfleet plan -out %s`", path, path)
	}
	if head.Version != Version {
		return nil, fmt.Errorf("%s is a plan file of format version %d, but this vpsfleet reads version %d; make the plan again with this vpsfleet",
			path, head.Version, Version)
	}
	var sp File
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sp); err != nil {
		return nil, fmt.Errorf("%s is a damaged vpsfleet plan file (%v); make the plan again", path, err)
	}
	if sp.Plan == nil {
		return nil, fmt.Errorf("%s is a damaged vpsfleet plan file (it holds no plan); make the plan again", path)
	}
	if sp.Fleet == nil {
		return nil, fmt.Errorf("%s is a damaged vpsfleet plan file (it holds no fleet); make the plan again", path)
	}
	if err := sp.Plan.Check(); err != nil {
		return nil, fmt.Errorf("%s is a damaged vpsfleet plan file: %v; make the plan again", path, err)
	}
	if sp.Plan.Changes == nil {
		sp.Plan.Changes = []engine.Change{}
	}
	if sp.Plan.Warnings == nil {
		sp.Plan.Warnings = []string{}
	}
	return &sp, nil
}

// CheckTarget says why path must not receive a plan (nil when it may): a
// name ending in .hcl would be read as a fleet file, and an existing file
// that is not a plan file would be lost. Plan files are replaced.
func CheckTarget(path string) error {
	if strings.HasSuffix(path, ".hcl") {
		return fmt.Errorf("-out %s: a plan file must not end in .hcl, or vpsfleet would read it as a fleet file; name it e.g. %s", path, strings.TrimSuffix(filepath.Base(path), ".hcl")+".tfplan")
	}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("-out %s: %w", path, err)
	}
	var head struct {
		Format string `json:"format"`
	}
	if json.Unmarshal(data, &head) != nil || head.Format != Format {
		return fmt.Errorf("-out %s: the file exists and is not a vpsfleet plan file, so it was not replaced; choose another name, or remove it first", path)
	}
	return nil
}
