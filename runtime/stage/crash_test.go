package stage

import "fmt"

func runHelper(role string, args []string) error {
	switch role {
	default:
		return fmt.Errorf("unknown helper %q", role)
	}
}
