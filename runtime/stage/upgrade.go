package stage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"appstart/runtime/environ"
)

// Variables on_upgrade commands get.
const (
	OldVersionVar = "APPSTART_OLD_VERSION" // "" when no version was recorded
	NewVersionVar = "APPSTART_NEW_VERSION"
)

// runOnUpgrade runs [on_upgrade] once per package version. The version is
// on_upgrade.version (env-expanded), else the "version" of
// /app/pkg/CloudronManifest.json; the one last recorded is in the marker.
//
//	recorded   now     first_run this start   on_upgrade
//	1.1        1.1     -                      skipped
//	1.1        1.2     -                      runs (OLD=1.1 NEW=1.2), then records 1.2
//	none       1.2     ran                    records 1.2 without running: a fresh install
//	                                          is already at 1.2, and its install step did
//	                                          what a migration would
//	none       1.2     skipped or no table    runs (OLD="" NEW=1.2): data from before
//	                                          appstart, or a package without first_run,
//	                                          whose migrations must bring it up to date
//
// The version is recorded crash-safe only after every command succeeded, so a
// failure or crash runs them again on the next start.
func runOnUpgrade(ctx context.Context, e *Env) error {
	u := e.Spec.OnUpgrade
	if u == nil {
		return nil
	}
	version, err := e.packageVersion(u.Version)
	if err != nil {
		return err
	}
	recorded, have, err := readMarker(u.Marker)
	if err != nil {
		return err
	}
	switch {
	case have && recorded == version:
		e.planf("skipped: version %s is recorded in %s", version, u.Marker)
		return nil
	case !have && e.firstRan:
		e.planf("fresh install: record version %s in %s without running", version, u.Marker)
		if !e.mutates() {
			return nil
		}
		return e.writeMarker(u.Marker, u.User, version+"\n")
	}
	e.planf("would run: version %q recorded in %s, package is %q", recorded, u.Marker, version)
	extra := []environ.Var{
		{Name: OldVersionVar, Value: recorded, Source: environ.Program, Origin: "on_upgrade"},
		{Name: NewVersionVar, Value: version, Source: environ.Program, Origin: "on_upgrade"},
	}
	ran, skipped, err := e.runSteps(ctx, "on_upgrade", u.Commands, extra)
	if err != nil || !e.mutates() {
		return err
	}
	if err := e.writeMarker(u.Marker, u.User, version+"\n"); err != nil {
		return err
	}
	from := recorded
	if !have {
		from = "unrecorded"
	}
	e.report("upgrade %s -> %s, %d ran%s", from, version, ran, skippedText(skipped))
	return nil
}

// packageVersion is the spec's version, expanded, or the manifest's.
func (e *Env) packageVersion(expr string) (string, error) {
	if expr != "" {
		v, err := environ.Expand(expr, e.Vars.Lookup)
		if err != nil {
			return "", fmt.Errorf("cannot expand on_upgrade.version: %w", err)
		}
		if strings.TrimSpace(v) == "" {
			return "", errors.New("on_upgrade.version is empty: it must name the package version")
		}
		return strings.TrimSpace(v), nil
	}
	data, err := os.ReadFile(e.Manifest)
	if err != nil {
		return "", fmt.Errorf("cannot read the package version from %s: %w (or set on_upgrade.version)", e.Manifest, unwrapPath(err))
	}
	var m struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return "", fmt.Errorf("cannot read the package version from %s: %w", e.Manifest, err)
	}
	if strings.TrimSpace(m.Version) == "" {
		return "", fmt.Errorf("cannot read the package version from %s: no \"version\" (or set on_upgrade.version)", e.Manifest)
	}
	return strings.TrimSpace(m.Version), nil
}

// readMarker returns the version recorded in a marker, and whether there is
// one. An unreadable marker is an error rather than "no version": running
// every migration again on a read error could do harm.
func readMarker(path string) (string, bool, error) {
	data, _, err := readFileNoFollow(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("cannot read the recorded version: %w", err)
	}
	return strings.TrimSpace(string(data)), true, nil
}
