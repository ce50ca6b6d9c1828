package spec

import "io/fs"

// Secret is one [[secrets]] entry: Bytes random bytes written once to File
// with Encoding, or, with Command, whatever that command writes to File,
// then never changed; exported to everything under Name.
//
//	[[secrets]]
//	name = "APP_SECRET"              // Secret{Name: "APP_SECRET", File: "/app/data/.app_secret",
//	file = "/app/data/.app_secret"   //        Bytes: 32, Encoding: EncodingHex, Owner: "cloudron",
//	                                 //        Mode: 0o600}
type Secret struct {
	Name     string
	File     string // under /run, /tmp or /app/data
	Bytes    int
	Encoding Encoding
	Owner    string // default: the top-level user
	Mode     fs.FileMode
	// Command, when set, makes the secret instead of Bytes and Encoding;
	// it must write File.
	Command Command
	When    Cond
	Unless  Cond
}

// MaxSecretBytes bounds a generated secret: a key is 16 to 64 bytes, and a
// secret is exported into every program's environment, where the kernel
// limits one string to 128 KiB (MAX_ARG_STRLEN); 4096 bytes is 8 KiB of hex.
const MaxSecretBytes = 4096

func (sec *Secret) check(c *checker, at string) {
	c.owner(&sec.Owner)
	if sec.Command.Argv != nil || sec.Command.Shell != "" {
		for _, k := range []string{"bytes", "encoding"} {
			if c.written[at+"."+k] {
				c.errorf(at+"."+k, "has no effect with command (the command makes the secret): remove it")
			}
		}
	}
	if under(sec.File, "/run", "/tmp") {
		c.warnf(at+".file", "%q is on a tmpfs that is empty at every start, so the secret changes on each restart: keep it under /app/data", sec.File)
	}
}

// checkSecrets checks across secrets: names and files used twice.
func (s *Spec) checkSecrets(c *checker) {
	s.checkNames(c)
	files := map[string]string{}
	for i, sec := range s.Secrets {
		at := indexKey("secrets", i+1)
		if prev, ok := files[sec.File]; ok && sec.File != "" {
			c.errorf(at+".file", "%q is already the file of %s: give each secret its own file", sec.File, prev)
			continue
		}
		files[sec.File] = at
	}
}
