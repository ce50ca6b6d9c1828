package app

import (
	"errors"
	"strings"
)

// joinErrors joins errors one per line, the way every list of problems is
// printed.
func joinErrors(errs []error) error {
	msgs := make([]string, 0, len(errs))
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	return errors.New(strings.Join(msgs, "\n"))
}
