// Package templates is appstart's ##VAR template engine: it fills
// placeholders in configuration templates from variables, escaping each
// value for the string literal it lands in (issue 5). It knows nothing of
// the spec or the runtime; the templates stage reads the source, calls
// Parse and Render, and writes the result.
//
// Example: with DB_PASSWORD=p@ss'wörd and DB_PORT=5432, the template
//
//	{
//	  "password": "##DB_PASSWORD",
//	  "url": "postgres://app:##{DB_PASSWORD|url}@db/app",
//	  "port": ##DB_PORT
//	##IF CLOUDRON_LDAP_SERVER
//	  ,"ldap": "##CLOUDRON_LDAP_SERVER"
//	##END
//	}
//
// rendered with Options{Escape: "json"} and no LDAP addon gives
//
//	{
//	  "password": "p@ss'wörd",
//	  "url": "postgres://app:p%40ss%27w%C3%B6rd@db/app",
//	  "port": 5432
//	}
//
// # Placeholders
//
// A NAME is [A-Za-z_][A-Za-z0-9_]*. Three forms, all equivalent:
//
//	##NAME          the longest name wins: ##DB_HOST never eats the start of ##DB_HOSTNAME
//	##NAME##        the closing ## is consumed
//	##{NAME}        for a placeholder followed by a name character: ##{PORT}0
//	##{NAME|kind}   per-placeholder escape, overriding the template's: ##{DB_PASSWORD|url}, ##{X|none}
//
// Only text that looks like a placeholder is one; everything else is
// copied byte for byte. The edges, exactly:
//
//	input             output / meaning
//	##                literal "##" (nothing name-like follows)
//	## comment        literal: hash-hash-space is a comment in many config formats
//	##1abc            literal: a name cannot start with a digit
//	##-x, ##.x        literal
//	###NAME           "#" + value: in a run of hashes the last two open the placeholder
//	####NAME          "##" + value
//	##{}              literal "##"; so ##{}NAME writes the text ##NAME
//	##{ NAME}, ##{1}  literal: "##{" not followed by a name start
//	##{NAME           error: unterminated (the closing } must be on the same line)
//	##{NAME|bogus}    error: unknown escape
//	##A##B, ##A###B   error: ambiguous (##{A}B or ##{A}##B?); write ##{A}B or ##A####B
//	##A##1, ##A##{B}  error: ambiguous, as above
//	##A###            value + "#"  (the closing ## is consumed, the third # is text)
//	##A####B          value of A + value of B
//	##IF, ##ELSE, ##END inside a line   error: directives stand alone on their line
//	##{IF}            the variable named IF (braces never make a directive)
//
// A placeholder whose variable is unset is an error unless Options.Optional
// lists it; a variable set to "" renders empty. Render reports every unset
// placeholder of the template at once, each with its line.
//
// # Conditional sections
//
//	##IF NAME       rendered when NAME is set and non-empty
//	##IF !NAME      rendered when NAME is unset or empty
//	##ELSE          optional, at most one per ##IF
//	##END
//
// A directive stands alone on its line (leading and trailing blanks
// allowed, so it can follow YAML indentation); the whole line, terminator
// included, is removed. Sections nest. A line whose text starts with ##IF,
// ##ELSE or ##END followed by a non-name character is always a directive,
// and a malformed one (##IF, ##END LDAP, ##IF A B) is an error, never
// silently kept. Placeholders inside a section that does not render are not
// looked up, so an absent optional addon needs no `optional` entry.
//
// # Includes
//
//	##INCLUDE /app/data/.env     the file's bytes, where the directive stands
//	##INCLUDE? /app/data/.env    the same, and nothing when the file is missing
//
// The path is absolute and is the rest of the line. An included file is
// copied as it is, never scanned for placeholders (it is the user's text,
// as a value is); when its last line has no terminator it gets the
// directive's own. An include inside an ##IF section that does not render
// is not read. Render reads files through Options.Include only: the
// templates stage gives it a reader that refuses symbolic links, as it does
// for every file under /app/data.
//
// # Bytes and lines
//
// Output is input with placeholders replaced: CRLF line ends stay CRLF (a
// directive's CRLF goes with its line), a template without a trailing
// newline renders without one, a BOM is kept. Values are inserted as they
// are, even a "\n" inside a CRLF file. Line numbers in errors count "\n"
// from 1.
//
// # Single pass
//
// Render scans the template once and never scans a value it inserted, so a
// value holding "##OTHER" stays literal. A sed-style engine that substitutes
// one variable at a time (or fasttemplate, then a second scanner) would
// expand it: a password could then read another variable, or inject
// template syntax. This is why there is one scanner for all three forms.
//
// # Escapes
//
// See the table at [None]. Escaping never adds quotes: the template writes
// the quotes of its format and the escape makes the value safe inside
// them.
package templates
