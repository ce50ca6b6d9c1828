package spec

// Nearest is the candidate closest to s when s is a likely typo of it, else
// "": the rule behind the spec's own "did you mean" hints, for the command
// line's (`run --only wrker`, `appstart stauts`).
//
//	Nearest("wrker", []string{"web", "worker"}) == "worker"
func Nearest(s string, candidates []string) string { return nearest(s, candidates) }
