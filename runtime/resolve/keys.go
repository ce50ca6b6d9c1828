package resolve

import (
	"fmt"

	"appstart/runtime/spec"
)

// keyedUser is a user spec and the key it is written at.
type keyedUser struct{ key, who string }

// usersOf lists every user and owner the spec names, with its key, in
// the spec's order ("" keeps a file's owner: nothing to resolve).
func usersOf(s *spec.Spec) []keyedUser {
	var out []keyedUser
	add := func(key, who string) {
		if who != "" {
			out = append(out, keyedUser{key, who})
		}
	}
	add("user", s.User)
	for i, d := range s.Dirs {
		add(fmt.Sprintf("dirs[%d].owner", i+1), d.Owner)
	}
	for i, d := range s.Seed {
		add(fmt.Sprintf("seed[%d].owner", i+1), d.Owner)
	}
	for i, d := range s.Secrets {
		add(fmt.Sprintf("secrets[%d].owner", i+1), d.Owner)
	}
	for i, d := range s.Templates {
		add(fmt.Sprintf("templates[%d].owner", i+1), d.Owner)
	}
	for i, d := range s.Patch {
		add(fmt.Sprintf("patch[%d].owner", i+1), d.Owner)
	}
	for i, d := range s.Chown {
		add(fmt.Sprintf("chown[%d].owner", i+1), d.Owner)
	}
	for _, c := range stageCommands(s) {
		add(c.userKey, c.user)
	}
	for _, p := range s.Programs {
		add("programs."+p.Name+".user", p.User)
		if p.Socket != "" { // the socket's file is given to it when appstart binds it
			add("programs."+p.Name+".socket_owner", p.SocketOwner)
		}
	}
	return out
}

// keyedCommand is a command the stages (or a task) run, with its user.
type keyedCommand struct {
	key, userKey, user string
	cmd                spec.Command
}

// stageCommands lists the commands outside [programs]: the first_run,
// on_upgrade and on_start steps, secret commands and tasks.
func stageCommands(s *spec.Spec) []keyedCommand {
	var out []keyedCommand
	steps := func(at string, st []spec.Step) {
		for i, c := range st {
			k := fmt.Sprintf("%s.commands[%d]", at, i+1)
			out = append(out, keyedCommand{k + ".command", k + ".user", c.User, c.Command})
		}
	}
	for i, sec := range s.Secrets {
		if sec.Command.Argv != nil || sec.Command.Shell != "" {
			k := fmt.Sprintf("secrets[%d]", i+1)
			out = append(out, keyedCommand{k + ".command", k + ".owner", sec.Owner, sec.Command})
		}
	}
	if f := s.FirstRun; f != nil {
		steps("first_run", f.Commands)
	}
	if u := s.OnUpgrade; u != nil {
		steps("on_upgrade", u.Commands)
	}
	for i, u := range s.Upgrades {
		steps(fmt.Sprintf("upgrade[%d]", i+1), u.Commands)
	}
	for i, o := range s.OnStart {
		k := fmt.Sprintf("on_start[%d]", i+1)
		out = append(out, keyedCommand{k + ".command", k + ".user", o.User, o.Command})
	}
	for _, t := range s.Tasks {
		k := "tasks." + t.Name
		out = append(out, keyedCommand{k + ".command", k + ".user", t.User, t.Command})
	}
	return out
}
