// Package manifest reads the fields of a Cloudron package manifest
// (CloudronManifest.json) that appstart needs: the version on_upgrade
// records, the persistent directories a read-only container may write
// besides /app/data, the addons with their optional flags, the HTTP port,
// the health check path and the memory limit. Every other field is kept
// in Raw for callers that need more (migration work reads it), and an
// unknown field is never an error: the manifest belongs to the platform,
// which adds fields over time.
//
//	m, err := manifest.Load("/app/pkg/CloudronManifest.json")
//	// m.Version "1.4.2", m.PersistentDirs ["/app/pgdata"],
//	// m.Addons["sendmail"].Optional true, m.HTTPPort 8000
package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"appstart/runtime/sysx"
)

// Name is the manifest's file name; a package keeps it beside its spec
// (/app/pkg/CloudronManifest.json beside /app/pkg/appstart.toml).
const Name = "CloudronManifest.json"

// Manifest is the part of CloudronManifest.json appstart reads. Absent
// fields are zero: no version "", no persistent dirs nil, no memory limit 0.
type Manifest struct {
	// Version is the package version ("version"), trimmed.
	Version string
	// UpstreamVersion is the app's own version ("upstreamVersion"), "" when
	// the manifest has none.
	UpstreamVersion string
	// HTTPPort is the port the platform proxies to ("httpPort"), 0 when
	// unset.
	HTTPPort int
	// HealthCheckPath is the path the platform polls ("healthCheckPath").
	HealthCheckPath string
	// MemoryLimit is the default memory limit in bytes ("memoryLimit"), 0
	// when unset.
	MemoryLimit int64
	// PersistentDirs are absolute, clean directories ("persistentDirs") kept
	// across updates like /app/data (Cloudron 9.1+), in written order.
	PersistentDirs []string
	// Addons maps each addon name to its options.
	Addons map[string]Addon
	// Raw is every top-level field as written, for callers that need one
	// this type does not name.
	Raw map[string]json.RawMessage
	// File is the path Load read ("" from Parse); data the bytes, for
	// AddonLine.
	File string
	data []byte
}

// AddonLine is the line where the addon's name is written inside
// "addons" (1 when it cannot be told), so a warning about it can name
// file:line.
func (m *Manifest) AddonLine(name string) int {
	at := bytes.Index(m.data, []byte(`"addons"`))
	if at < 0 {
		return 1
	}
	i := bytes.Index(m.data[at:], []byte(`"`+name+`"`))
	if i < 0 {
		return 1
	}
	return 1 + bytes.Count(m.data[:at+i], []byte("\n"))
}

// Addon is one entry of "addons".
type Addon struct {
	// Optional is the addon's "optional" flag (sendmail, ldap, ...): when
	// true, all its variables may be absent at run time.
	Optional bool
	// Options are the addon's options as written (such as "supportsDisplayName").
	Options map[string]json.RawMessage
}

// AddonNames returns the addon names, sorted.
func (m *Manifest) AddonNames() []string {
	names := make([]string, 0, len(m.Addons))
	for n := range m.Addons {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Beside returns the manifest path beside a spec file: the directory a
// package keeps both in.
//
//	manifest.Beside("/app/pkg/appstart.toml") // "/app/pkg/CloudronManifest.json"
func Beside(specPath string) string {
	return filepath.Join(filepath.Dir(specPath), Name)
}

// Load reads and parses the manifest at path.
func Load(path string) (*Manifest, error) {
	data, err := sysx.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read manifest: %w", err)
	}
	m, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m.File = path
	return m, nil
}

// Parse decodes a manifest. A field of the wrong type is an error naming
// it; a persistent directory must be an absolute, clean path other than
// "/" (it becomes a place appstart writes).
func Parse(data []byte) (*Manifest, error) {
	m := &Manifest{data: data}
	if err := json.Unmarshal(data, &m.Raw); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	fields := []struct {
		name string
		dst  any
	}{
		{"version", &m.Version}, {"upstreamVersion", &m.UpstreamVersion},
		{"httpPort", &m.HTTPPort}, {"healthCheckPath", &m.HealthCheckPath},
		{"memoryLimit", &m.MemoryLimit}, {"persistentDirs", &m.PersistentDirs},
	}
	for _, f := range fields {
		raw, ok := m.Raw[f.name]
		if !ok || string(raw) == "null" {
			continue
		}
		if err := json.Unmarshal(raw, f.dst); err != nil {
			return nil, fmt.Errorf("%q: %w", f.name, err)
		}
	}
	m.Version = strings.TrimSpace(m.Version)
	for _, d := range m.PersistentDirs {
		if d == "" || d[0] != '/' || path.Clean(d) != d || d == "/" {
			return nil, fmt.Errorf("persistentDirs: %q: write an absolute, clean directory such as \"/app/pgdata\"", d)
		}
	}
	if raw, ok := m.Raw["addons"]; ok && string(raw) != "null" {
		var addons map[string]map[string]json.RawMessage
		if err := json.Unmarshal(raw, &addons); err != nil {
			return nil, fmt.Errorf("\"addons\": %w", err)
		}
		m.Addons = make(map[string]Addon, len(addons))
		for name, opts := range addons {
			a := Addon{Options: opts}
			if o, ok := opts["optional"]; ok {
				if err := json.Unmarshal(o, &a.Optional); err != nil {
					return nil, fmt.Errorf("addons.%s.optional: %w", name, err)
				}
			}
			m.Addons[name] = a
		}
	}
	return m, nil
}
