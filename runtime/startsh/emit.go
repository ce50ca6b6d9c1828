package startsh

import (
	"fmt"
	"path"
	"strings"

	"appstart/runtime/spec"
)

// emit writes the appstart.toml: a header with the coverage and the
// notes, then the stages in the order they run, then the programs.
func (c *conv) emit() []byte {
	var b strings.Builder
	comment := func(s string) { b.WriteString(spec.TOMLComment(s)) }
	base := path.Base(c.name)
	comment(fmt.Sprintf("Converted from %s by appstart convert: %d of %d top-level statements converted, %d kept in %s.",
		base, c.converted, c.converted+c.keptN, c.keptN, KeptScript))
	comment("Each comment says where a table came from (" + base + ":LINE) and what changed.")
	if len(c.envFiles) > 0 {
		comment("env_file reads KEY=VAL lines (export allowed), not shell: a sourced file that runs commands belongs in " + KeptScript + ".")
		fmt.Fprintf(&b, "env_file = [%s]\n", quoteList(c.envFiles))
	}
	if len(c.keptVars) > 0 {
		c.notes = append(c.notes, KeptScript+" sets "+strings.Join(c.keptVars, ", ")+
			": the programs never see these (the kept script is a process of its own); move what they need into [env]")
	}
	if len(c.notes) > 0 {
		b.WriteByte('\n')
		for _, n := range c.notes {
			comment(n)
		}
	}
	if len(c.env) > 0 {
		b.WriteString("\n")
		comment("The script's variables, exported or not (the programs now see the unexported ones too), in written order.")
		b.WriteString("[env]\n")
		for _, e := range c.env {
			fmt.Fprintf(&b, "%s = %s\n", key(e.name), quote(e.value))
		}
	}
	for _, d := range c.dirs {
		b.WriteString("\n[[dirs]]\n")
		fmt.Fprintf(&b, "path = %s\n", quote(d.path))
		if d.owner != "" {
			fmt.Fprintf(&b, "owner = %s\n", quote(d.owner))
		}
	}
	for _, s := range c.seeds {
		b.WriteString("\n[[seed]]\n")
		fmt.Fprintf(&b, "from = %s\nto = %s\n", quote(s.from), quote(s.to))
	}
	for _, s := range c.secrets {
		b.WriteString("\n")
		comment(s.comment)
		b.WriteString("[[secrets]]\n")
		fmt.Fprintf(&b, "name = %s\nfile = %s\nbytes = %d\nencoding = %s\n", quote(s.name), quote(s.file), s.bytes, quote(s.encoding))
	}
	for _, t := range c.templates {
		b.WriteString("\n")
		comment(t.comment)
		b.WriteString("[[templates]]\n")
		fmt.Fprintf(&b, "source = %s\ntarget = %s\n", quote(t.source), quote(t.target))
		if t.unless != "" {
			fmt.Fprintf(&b, "unless = %s\n", quote(t.unless))
		}
	}
	for _, p := range c.patches {
		b.WriteString("\n[[patch]]\n")
		fmt.Fprintf(&b, "file = %s\nformat = \"ini\"\nset = { ", quote(p.file))
		for i, s := range p.set {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s = %s", quote(s.name), quote(s.value))
		}
		b.WriteString(" }\n")
	}
	for _, ch := range c.chowns {
		b.WriteString("\n[[chown]]\n")
		fmt.Fprintf(&b, "path = %s\nowner = %s\n", quote(ch.path), quote(ch.owner))
	}
	if c.firstRun != nil {
		b.WriteString("\n")
		comment(c.firstRun.comment)
		b.WriteString("[first_run]\n")
		fmt.Fprintf(&b, "marker = %s\ncommands = [[\"/bin/bash\", %s, \"first_run\"]]\nuser = \"root\"\n", quote(c.firstRun.marker), quote(c.pkg(KeptScript)))
	}
	for _, o := range c.onStart {
		b.WriteString("\n")
		comment(o.comment)
		b.WriteString("[[on_start]]\n")
		writeCommand(&b, o.argv, o.shell)
		fmt.Fprintf(&b, "user = %s\n", quote(orRoot(o.user)))
		if o.dir != "" {
			fmt.Fprintf(&b, "directory = %s\n", quote(o.dir))
		}
		writeInlineEnv(&b, o.env)
	}
	if c.keptMain() > 0 {
		b.WriteString("\n")
		comment(fmt.Sprintf("The %d statements convert did not recognise, in their order, with their lines: they now run", c.keptMain()))
		comment("after the stages above (the script ran some of them earlier): read " + KeptScript + " and move what you can into the spec.")
		b.WriteString("[[on_start]]\n")
		fmt.Fprintf(&b, "command = [\"/bin/bash\", %s]\nuser = \"root\"\n", quote(c.pkg(KeptScript)))
	}
	if len(c.programs) == 0 {
		b.WriteString("\n")
		comment("The script started no program convert could see (its last statement is kept): write the server here.")
		b.WriteString("[programs.app]\ncommand = [\"/bin/false\"]\nautostart = false\n")
	}
	for _, p := range c.programs {
		b.WriteString("\n")
		if p.comment != "" {
			comment(p.comment)
		}
		fmt.Fprintf(&b, "[programs.%s]\n", key(p.name))
		writeCommand(&b, p.argv, p.shell)
		fmt.Fprintf(&b, "user = %s\n", quote(p.user))
		if p.dir != "" {
			fmt.Fprintf(&b, "directory = %s\n", quote(p.dir))
		}
		writeInlineEnv(&b, p.env)
	}
	return []byte(b.String())
}

func orRoot(u string) string {
	if u == "" {
		return "root"
	}
	return u
}

func writeInlineEnv(b *strings.Builder, env []kv) {
	if len(env) == 0 {
		return
	}
	b.WriteString("environment = { ")
	for i, e := range env {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(b, "%s = %s", key(e.name), quote(e.value))
	}
	b.WriteString(" }\n")
}

func (c *conv) keptMain() int {
	n := 0
	for _, k := range c.kept {
		if k.section == "" && !k.context {
			n++
		}
	}
	return n
}

// keptScript is the generated bash script: the first-run body (when the
// .initialized guard was converted) and the kept statements, each under a
// comment with its line in the original.
func (c *conv) keptScript() []byte {
	if len(c.kept) == 0 || c.keptMain() == 0 && c.firstRun == nil {
		return nil
	}
	var b strings.Builder
	base := path.Base(c.name)
	b.WriteString("#!/bin/bash\n")
	fmt.Fprintf(&b, "# Generated by appstart convert from %s: the statements it did not convert, in their order.\n", base)
	b.WriteString("# appstart runs it as the last [[on_start]] command, after its stages, with the [env] variables set;\n")
	b.WriteString("# `" + KeptScript + " first_run` is the body of the first-run guard, run once by [first_run].\n")
	// The first argument is read before the script's own set line, which
	// is written again as it was meant: `set -eu pipefail` set $1, not
	// pipefail.
	b.WriteString("part=\"${1:-}\"\n")
	if set := c.setFlags(); set != "" {
		b.WriteString(set + "\n")
	}
	b.WriteString("\n")
	write := func(section string) {
		for _, k := range c.kept {
			if k.section != section {
				continue
			}
			if k.context {
				fmt.Fprintf(&b, "%s   # %s:%d, for what follows\n", k.text, base, k.line)
				continue
			}
			fmt.Fprintf(&b, "# %s:%d", base, k.line)
			if k.why != "" {
				b.WriteString(": " + k.why)
			}
			b.WriteString("\n" + k.text + "\n")
		}
	}
	if c.firstRun != nil {
		b.WriteString("if [[ \"$part\" == first_run ]]; then\n")
		write("first_run")
		b.WriteString("exit 0\nfi\n\n")
	}
	write("")
	return []byte(b.String())
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = quote(s)
	}
	return strings.Join(q, ", ")
}

// key and quote write a TOML key and string: spec's writers, which
// runtime/convert shares.
var (
	key   = spec.TOMLKey
	quote = spec.TOMLString
)

// setFlags is the script's set line as it was meant: -e, -u and -o
// pipefail when written; "" when the script had no -e.
func (c *conv) setFlags() string {
	t := c.setLine
	if t == "" {
		return ""
	}
	flags := strings.Fields(t)[1:]
	set := "set -e"
	for _, f := range flags {
		if strings.HasPrefix(f, "-") && !strings.HasPrefix(f, "-o") && strings.Contains(f, "u") {
			set += "u"
			break
		}
	}
	if strings.Contains(t, "pipefail") {
		set += " -o pipefail"
	}
	return set
}

func writeCommand(b *strings.Builder, argv []string, shell string) {
	if shell != "" {
		b.WriteString("# a /bin/sh -c line: the script let the shell split an unquoted $VAR into words\n")
		fmt.Fprintf(b, "command = %s\n", quote(shell))
		return
	}
	fmt.Fprintf(b, "command = [%s]\n", quoteList(argv))
}
