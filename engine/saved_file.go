package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// WriteSavedPlan writes sp to path atomically: a temporary file in the
// same directory, mode 0600, synced, then renamed over path. On failure
// path is left as it was and the temporary file is removed.
func WriteSavedPlan(path string, sp *SavedPlan) error {
	if sp == nil || sp.Plan == nil {
		return fmt.Errorf("write plan file %s: there is no plan to write", path)
	}
	data, err := json.MarshalIndent(sp, "", "  ")
	if err != nil {
		return fmt.Errorf("write plan file %s: %w", path, err)
	}
	data = append(data, '\n')
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write plan file %s: %w", path, err)
	}
	name := tmp.Name()
	err = writeAndClose(tmp, data)
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		_ = os.Remove(name)
		return fmt.Errorf("write plan file %s: %w", path, err)
	}
	return nil
}

// writeAndClose sets f to mode 0600, writes data, syncs and closes it.
func writeAndClose(f *os.File, data []byte) error {
	err := f.Chmod(0o600)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

// ReadSavedPlan reads a plan file written by WriteSavedPlan. It fails with
// an error naming the file when it cannot be read, is not a vpsfleet plan
// file, or is of another format version (make the plan again with this
// version of vpsfleet).
func ReadSavedPlan(path string) (*SavedPlan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read plan file: %w", err)
	}
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil || head.Format != SavedPlanFormat {
		return nil, fmt.Errorf("%s is not a vpsfleet plan file; write one with `vpsfleet plan -out %s`", path, path)
	}
	if head.Version != SavedPlanVersion {
		return nil, fmt.Errorf("%s is a plan file of format version %d, but this vpsfleet reads version %d; make the plan again with this vpsfleet",
			path, head.Version, SavedPlanVersion)
	}
	var sp SavedPlan
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sp); err != nil {
		return nil, fmt.Errorf("%s is a damaged vpsfleet plan file (%v); make the plan again", path, err)
	}
	if sp.Plan == nil {
		return nil, fmt.Errorf("%s is a damaged vpsfleet plan file (it holds no plan); make the plan again", path)
	}
	if err := sp.Plan.Check(); err != nil {
		return nil, fmt.Errorf("%s is a damaged vpsfleet plan file: %v; make the plan again", path, err)
	}
	if sp.Plan.Changes == nil {
		sp.Plan.Changes = []Change{}
	}
	if sp.Plan.Warnings == nil {
		sp.Plan.Warnings = []string{}
	}
	return &sp, nil
}
