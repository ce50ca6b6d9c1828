package stage

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"appstart/runtime/environ"
	"appstart/runtime/spec"
)

// runUpgradeStage is the "on_upgrade" stage: [on_upgrade], then each
// [[upgrade]] entry in written order.
func runUpgradeStage(ctx context.Context, e *Env) error {
	if err := runOnUpgrade(ctx, e); err != nil {
		return err
	}
	for i := range e.Spec.Upgrades {
		if err := e.runUpgrade(ctx, i); err != nil {
			return fmt.Errorf("upgrade[%d]: %w", i+1, err)
		}
	}
	return nil
}

// runUpgrade runs one [[upgrade]] (see spec.Upgrade):
//
//	data      image   compare  refuse  what happens
//	1.390     1.390   exact    -       skipped
//	1.389     1.390   exact    -       commands (OLD=1.389 NEW=1.390), templates again if asked, marker 1.390
//	15        16      major    "..."   the start stops: "...: the data is at 15, this image at 16"
//	15.4      15      major    "..."   skipped: the majors agree
//	absent    16      any      -       a marker: first_run ran now, so record 16 without running;
//	                                   else data from before the step existed: commands (OLD="")
//	absent    16      any      any     data_version_file or refuse: fresh data, nothing runs
func (e *Env) runUpgrade(ctx context.Context, i int) error {
	u := e.Spec.Upgrades[i]
	what := fmt.Sprintf("upgrade[%d]", i+1)
	current, err := e.upgradeVersion(u)
	if err != nil {
		return err
	}
	recordIn := u.Marker
	if recordIn == "" {
		recordIn = u.DataVersionFile
	}
	recorded, have, err := readMarker(recordIn)
	if err != nil {
		return err
	}
	switch {
	case have && sameVersion(recorded, current, u.Compare):
		e.planf("%s skipped: %s records %s, the image is at %s", what, recordIn, recorded, current)
		return nil
	case !have && u.Marker != "" && e.firstRan:
		e.planf("%s: fresh install: record version %s in %s without running", what, current, u.Marker)
		if !e.mutates() {
			return nil
		}
		return e.writeMarker(u.Marker, u.User, current+"\n")
	case !have && (u.DataVersionFile != "" || u.Refuse != ""):
		e.planf("%s skipped: no version recorded in %s (fresh data)", what, recordIn)
		return nil
	case u.Refuse != "":
		return fmt.Errorf("%s: the data is at %s (%s), this image at %s", u.Refuse, recorded, recordIn, current)
	}
	e.planf("%s would run: %s records %s, the image is at %s", what, recordIn, recorded, current)
	extra := []environ.Var{
		{Name: OldVersionVar, Value: recorded, Source: environ.Program, Origin: what},
		{Name: NewVersionVar, Value: current, Source: environ.Program, Origin: what},
	}
	ran, skipped, err := e.runSteps(ctx, what, u.Commands, extra)
	if err != nil {
		return err
	}
	if u.RenderTemplates {
		// The commands rebuilt a tree the templates write into (XWiki's
		// webapp): render again, so this start already has the config.
		if err := runTemplates(ctx, e); err != nil {
			return fmt.Errorf("rendering the templates again: %w", err)
		}
	}
	if !e.mutates() {
		return nil
	}
	if u.Marker != "" {
		if err := e.writeMarker(u.Marker, u.User, current+"\n"); err != nil {
			return err
		}
	}
	from := recorded
	if !have {
		from = "unrecorded"
	}
	e.report("%s %s -> %s, %d ran%s", what, from, current, ran, skippedText(skipped))
	return nil
}

// upgradeVersion is the image's version for u: version expanded, else the
// content of version_file, else the manifest's.
func (e *Env) upgradeVersion(u spec.Upgrade) (string, error) {
	if u.VersionFile == "" {
		return e.packageVersion(u.Version)
	}
	data, _, err := readFileNoFollow(u.VersionFile)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("version_file %s does not exist", u.VersionFile)
	}
	if err != nil {
		return "", fmt.Errorf("cannot read version_file %s: %w", u.VersionFile, unwrapPath(err))
	}
	v := strings.TrimSpace(string(data))
	if v == "" {
		return "", fmt.Errorf("version_file %s is empty", u.VersionFile)
	}
	return v, nil
}

// sameVersion compares two versions as compare says: "major" looks only at
// the leading number ("v15.4" and "15" agree).
func sameVersion(a, b string, compare spec.UpgradeCompare) bool {
	if compare == spec.CompareMajor {
		return major(a) == major(b)
	}
	return a == b
}

func major(v string) string {
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	n := 0
	for n < len(v) && v[n] >= '0' && v[n] <= '9' {
		n++
	}
	if n == 0 {
		return v
	}
	return strings.TrimLeft(v[:n], "0")
}
