package spec

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Cron is a parsed 5-field cron expression (crontab(5): minute, hour,
// day of month, month, day of week), the `schedule` of a program.
//
//	c, _ := spec.ParseCron("*/15 9-17 * * mon-fri")
//	c.Next(time.Date(2025, 3, 7, 17, 50, 0, 0, time.UTC)) // Mon 2025-03-10 09:00 UTC
type Cron struct {
	expr                     string
	minute, hour, dom, month uint64 // bit n set: value n matches
	dow                      uint64 // 0 = Sunday
	domStar, dowStar         bool   // the field started with "*"
}

type cronField struct {
	name     string
	min, max int
	names    []string // names[i] is value min+i
}

var cronFields = [5]cronField{
	{"minute", 0, 59, nil},
	{"hour", 0, 23, nil},
	{"day-of-month", 1, 31, nil},
	{"month", 1, 12, []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
	{"day-of-week", 0, 7, []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun"}},
}

// Built on first use: a map literal is built at every start, and only a schedule needs it.
var cronMacros = sync.OnceValue(func() map[string]string {
	return map[string]string{
		"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
		"@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
	}
})

// ParseCron parses a 5-field cron expression: each field is *, a value, a
// range a-b, any of those with a /step, or a comma list of them; months and
// weekdays may be written as names (jan, mon), and 7 is Sunday too. The
// macros @hourly, @daily (@midnight), @weekly, @monthly and @yearly
// (@annually) are accepted. As in Vixie cron, when both day fields are
// restricted a day matching either runs.
func ParseCron(s string) (Cron, error) {
	expr := strings.TrimSpace(s)
	if m, ok := cronMacros()[strings.ToLower(expr)]; ok {
		expr = m
	} else if strings.HasPrefix(expr, "@") {
		return Cron{}, fmt.Errorf("unknown macro %q: write 5 fields, or @hourly, @daily, @weekly, @monthly or @yearly (for a one-shot at start, use autorestart = \"never\")", expr)
	}
	fs := strings.Fields(expr)
	if len(fs) != 5 {
		return Cron{}, fmt.Errorf(`%q has %d fields: write 5 (minute hour day-of-month month day-of-week), e.g. "*/5 * * * *"`, s, len(fs))
	}
	c := Cron{expr: strings.Join(strings.Fields(s), " ")}
	dst := []*uint64{&c.minute, &c.hour, &c.dom, &c.month, &c.dow}
	for i, f := range fs {
		set, err := cronFields[i].parse(f)
		if err != nil {
			return Cron{}, fmt.Errorf("%s field %q: %v", cronFields[i].name, f, err)
		}
		*dst[i] = set
	}
	if c.dow&(1<<7) != 0 {
		c.dow = c.dow&^(1<<7) | 1 // 7 is Sunday
	}
	c.domStar, c.dowStar = strings.HasPrefix(fs[2], "*"), strings.HasPrefix(fs[4], "*")
	return c, nil
}

func (f cronField) parse(s string) (uint64, error) {
	var set uint64
	for _, item := range strings.Split(s, ",") {
		rng, stepStr, hasStep := strings.Cut(item, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepStr)
			if err != nil || n < 1 {
				return 0, fmt.Errorf("step %q must be a positive number", stepStr)
			}
			step = n
		}
		lo, hi := f.min, f.max
		if f.name == "day-of-week" && rng == "*" {
			hi = 6 // */2 must not hit Sunday twice
		}
		if rng != "*" {
			a, b, isRange := strings.Cut(rng, "-")
			var err error
			if lo, err = f.value(a); err != nil {
				return 0, err
			}
			hi = lo
			if isRange {
				if hi, err = f.value(b); err != nil {
					return 0, err
				}
				if hi < lo {
					return 0, fmt.Errorf("range %s goes backwards: write %s-%s", rng, b, a)
				}
			} else if hasStep {
				hi = f.max // "5/15" is "5-max/15", as in Vixie cron
			}
		}
		for v := lo; v <= hi; v += step {
			set |= 1 << v
		}
	}
	return set, nil
}

func (f cronField) value(s string) (int, error) {
	for i, n := range f.names {
		if strings.EqualFold(s, n) {
			return f.min + i, nil
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		if f.names != nil {
			return 0, fmt.Errorf("%q is not a number %d-%d or a name such as %q", s, f.min, f.max, f.names[0])
		}
		return 0, fmt.Errorf("%q is not a number %d-%d", s, f.min, f.max)
	}
	if n < f.min || n > f.max {
		return 0, fmt.Errorf("%d is out of range %d-%d", n, f.min, f.max)
	}
	return n, nil
}

// String returns the expression as written (blanks normalised).
func (c Cron) String() string { return c.expr }

// Next returns the first matching minute strictly after t, in t's
// location, or the zero time when none comes within five years (such as
// "0 0 30 2 *"). Around daylight-saving changes a wall-clock time that is
// skipped does not run and one that repeats runs twice (containers usually
// run in UTC, where neither happens).
func (c Cron) Next(t time.Time) time.Time {
	if c.minute == 0 {
		return time.Time{} // the zero Cron
	}
	loc := t.Location()
	// Truncate, not time.Date: in a repeated daylight-saving hour
	// time.Date may pick the other instant. Zone offsets are whole minutes.
	t = t.Truncate(time.Minute).Add(time.Minute)
	end := t.AddDate(5, 0, 0)
	for t.Before(end) {
		switch {
		case c.month&(1<<uint(t.Month())) == 0:
			t = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, loc)
		case !c.dayMatches(t):
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
		case c.hour&(1<<uint(t.Hour())) == 0:
			// Add, not time.Date: inside a repeated daylight-saving hour
			// time.Date may pick the earlier instant and loop.
			t = t.Add(time.Duration(60-t.Minute()) * time.Minute)
		case c.minute&(1<<uint(t.Minute())) == 0:
			// straight to the next matching minute of this hour (60: none)
			next := bits.TrailingZeros64(c.minute >> uint(t.Minute()) << uint(t.Minute()))
			t = t.Add(time.Duration(min(next, 60)-t.Minute()) * time.Minute)
		default:
			return t
		}
	}
	return time.Time{}
}

func (c Cron) dayMatches(t time.Time) bool {
	dom := c.dom&(1<<uint(t.Day())) != 0
	dow := c.dow&(1<<uint(t.Weekday())) != 0
	if c.domStar || c.dowStar {
		return dom && dow
	}
	return dom || dow
}

func convCron(v any) (any, string) {
	s, msg := toString(v, `a cron expression such as "*/5 * * * *"`)
	if msg != "" {
		return nil, msg
	}
	c, err := ParseCron(s)
	if err != nil {
		return nil, err.Error()
	}
	return &c, ""
}

// MarshalText writes the expression, so a Cron shows as written in JSON
// (`appstart plan --json`).
func (c Cron) MarshalText() ([]byte, error) { return []byte(c.expr), nil }
