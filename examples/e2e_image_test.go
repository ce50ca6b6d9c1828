package examples_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// derivedDockerfile is an example's own Dockerfile rewritten for `make e2e`,
// where no registry serves golang or debian images: the golang stage is
// dropped (the static binary is copied in from bin/), the app stage starts
// FROM the debootstrapped base, and its apt-get RUN is dropped because the
// base already holds those packages (Packages lists them so the test can
// prove it). Every other line, the COPYs, `RUN appstart check` and CMD, is the
// example's own, so a layout mistake in an example's Dockerfile fails here.
//
// Example, from examples/hello/Dockerfile and base "appstart-e2e-base:k":
//
//	FROM appstart-e2e-base:k
//	COPY bin/appstart /usr/local/bin/appstart
//	COPY examples/hello/server.js /app/code/
//	COPY examples/hello/appstart.toml examples/hello/CloudronManifest.json /app/pkg/
//	RUN appstart check
//	CMD ["/usr/local/bin/appstart"]
//
// with Packages ["nodejs"].
type derivedDockerfile struct {
	Text     string
	Packages []string
}

// binaryInContext is where the build context holds the static appstart.
const binaryInContext = "bin/appstart"

// allowedWithApt are the commands an apt-get RUN of an example may chain;
// the base image does each of them already (packages, cleaned lists, the
// cloudron user). Anything else would be lost by dropping the RUN.
var allowedWithApt = []string{"apt-get", "rm", "groupadd", "useradd"}

// deriveDockerfile rewrites the Dockerfile text src (see derivedDockerfile).
func deriveDockerfile(src, base string) (derivedDockerfile, error) {
	stages := splitStages(instructions(src))
	if len(stages) == 0 {
		return derivedDockerfile{}, fmt.Errorf("cannot derive a Dockerfile: no FROM")
	}
	var out derivedDockerfile
	var b strings.Builder
	for _, ins := range stages[len(stages)-1] {
		word, rest, _ := strings.Cut(ins, " ")
		switch strings.ToUpper(word) {
		case "FROM":
			fmt.Fprintf(&b, "FROM %s\n", base)
		case "RUN":
			if !strings.Contains(rest, "apt-get") {
				b.WriteString(ins + "\n")
				continue
			}
			pkgs, err := aptPackages(rest)
			if err != nil {
				return derivedDockerfile{}, err
			}
			out.Packages = append(out.Packages, pkgs...)
		case "COPY":
			if from, ok := strings.CutPrefix(rest, "--from="); ok {
				f := strings.Fields(from)
				if len(f) != 3 || f[0] != "appstart" {
					return derivedDockerfile{}, fmt.Errorf("cannot derive a Dockerfile: COPY --from=%s is not the appstart binary", from)
				}
				fmt.Fprintf(&b, "COPY %s %s\n", binaryInContext, f[2])
				continue
			}
			b.WriteString(ins + "\n")
		default:
			b.WriteString(ins + "\n")
		}
	}
	out.Text = b.String()
	return out, nil
}

// instructions joins continuation lines and drops comments and blank lines.
func instructions(src string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue // comment lines inside a continuation are ignored too (Dockerfile reference)
		}
		if s, ok := strings.CutSuffix(t, `\`); ok {
			cur.WriteString(strings.TrimSpace(s) + " ")
			continue
		}
		cur.WriteString(t)
		out = append(out, cur.String())
		cur.Reset()
	}
	return out
}

func splitStages(ins []string) [][]string {
	var stages [][]string
	for _, i := range ins {
		if strings.HasPrefix(strings.ToUpper(i), "FROM ") {
			stages = append(stages, nil)
		}
		if len(stages) > 0 {
			stages[len(stages)-1] = append(stages[len(stages)-1], i)
		}
	}
	return stages
}

// aptPackages returns the packages of the `apt-get install` in a RUN's
// shell command, and refuses a RUN that chains anything else the base image
// would not have done.
func aptPackages(cmd string) ([]string, error) {
	var pkgs []string
	for _, part := range strings.Split(cmd, "&&") {
		f := strings.Fields(part)
		if len(f) == 0 {
			continue
		}
		if !slices.Contains(allowedWithApt, f[0]) {
			return nil, fmt.Errorf("cannot derive a Dockerfile: its apt-get RUN also runs %q, which the base image does not", f[0])
		}
		if f[0] != "apt-get" || len(f) < 2 || f[1] != "install" {
			continue
		}
		for _, a := range f[2:] {
			if !strings.HasPrefix(a, "-") {
				pkgs = append(pkgs, a)
			}
		}
	}
	return pkgs, nil
}

// buildExampleImage builds the image of example name FROM base: the build
// context holds examples/<name>/ and the static binary, as the repository
// root does for the real Dockerfile. It returns the image reference and how
// long `docker build` took (the RUN appstart check included); the image is
// removed in t.Cleanup.
func buildExampleImage(t *testing.T, d *harness.DockerClient, name, base string) (string, time.Duration) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(name, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	df, err := deriveDockerfile(string(src), base)
	if err != nil {
		t.Fatalf("examples/%s/Dockerfile: %v", name, err)
	}
	requirePackages(t, d, base, df.Packages)

	ctx := t.TempDir()
	if err := os.CopyFS(filepath.Join(ctx, "examples", name), os.DirFS(name)); err != nil {
		t.Fatalf("cannot copy examples/%s into the build context: %v", name, err)
	}
	bin, err := os.ReadFile(harness.Binary(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(ctx, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ctx, binaryInContext), bin, 0o755); err != nil {
		t.Fatal(err)
	}
	header := fmt.Sprintf("# examples/%s/Dockerfile for `make e2e` (examples/e2e_image_test.go)\n", name)
	if err := os.WriteFile(filepath.Join(ctx, "Dockerfile"), []byte(header+df.Text), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("Dockerfile:\n%s", df.Text)

	ref := fmt.Sprintf("appstart-e2e/%s:%d", name, os.Getpid())
	t.Cleanup(func() { d.Run("rmi", "--force", ref) })
	start := time.Now()
	d.RunWithin(harness.DockerBuildTimeout, "build", "--quiet", "--tag", ref, ctx)
	return ref, time.Since(start)
}

// requirePackages fails unless every package is installed in image: the
// dropped apt-get RUN must not hide a missing server.
func requirePackages(t *testing.T, d *harness.DockerClient, image string, pkgs []string) {
	t.Helper()
	if len(pkgs) == 0 {
		return
	}
	args := append([]string{"run", "--rm", "--network", "none", image,
		"dpkg-query", "--show", "--showformat", "${Package} ${db:Status-Status}\n"}, pkgs...)
	out := d.Run(args...)
	for _, p := range pkgs {
		if !strings.Contains("\n"+out, "\n"+p+" installed\n") {
			t.Fatalf("the base image %s lacks package %s that the Dockerfile installs (add it to testdata/e2e/base-image.sh):\n%s", image, p, out)
		}
	}
}

// TestDeriveDockerfiles derives every example's Dockerfile (no Docker
// needed), so an edit that `make e2e` could not follow fails in `make test`.
func TestDeriveDockerfiles(t *testing.T) {
	t.Parallel()
	want := map[string][]string{
		"hello":     {"nodejs"},
		"nginx-php": {"nginx", "php8.2-fpm", "php8.2-pgsql"},
		"mediawiki": {"mediawiki", "nginx", "php8.2-fpm", "php8.2-pgsql"},
		"apache":    {"apache2", "libapache2-mod-php8.2"},
		"workers":   {"nodejs"},
		"redmine":   {"redmine", "redmine-pgsql", "puma", "git", "curl", "ca-certificates"},
		"wordpress": {"wordpress", "wordpress-theme-twentytwentythree", "apache2", "libapache2-mod-php8.2", "php8.2-mysql"},
	}
	for _, name := range examples {
		src, err := os.ReadFile(filepath.Join(name, "Dockerfile"))
		if err != nil {
			t.Fatal(err)
		}
		df, err := deriveDockerfile(string(src), "BASE")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		lines := strings.Split(strings.TrimSuffix(df.Text, "\n"), "\n")
		if lines[0] != "FROM BASE" || lines[1] != "COPY bin/appstart /usr/local/bin/appstart" ||
			lines[len(lines)-2] != "RUN appstart check" || lines[len(lines)-1] != `CMD ["/usr/local/bin/appstart"]` {
			t.Errorf("%s: derived Dockerfile:\n%s", name, df.Text)
		}
		if strings.Contains(df.Text, "apt-get") || strings.Contains(df.Text, "golang") || strings.Count(df.Text, "FROM") != 1 {
			t.Errorf("%s: the golang stage or apt-get is left:\n%s", name, df.Text)
		}
		if !slices.Equal(df.Packages, want[name]) {
			t.Errorf("%s: packages %q, want %q", name, df.Packages, want[name])
		}
	}
}

// The negative controls: what the derivation cannot follow is an error,
// not a silently different image.
func TestDeriveDockerfileRefuses(t *testing.T) {
	t.Parallel()
	for name, src := range map[string]string{
		"no FROM":        "RUN true\n",
		"other stage":    "FROM a AS b\nFROM c\nCOPY --from=b /x /y\n",
		"more than apt":  "FROM a\nRUN apt-get update \\\n && apt-get install -y nginx \\\n && sed -i s/a/b/ /etc/x\n",
		"partial binary": "FROM a\nCOPY --from=appstart /appstart\n",
	} {
		if df, err := deriveDockerfile(src, "BASE"); err == nil {
			t.Errorf("%s: derived without an error:\n%s", name, df.Text)
		}
	}
}
