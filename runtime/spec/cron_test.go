package spec

import (
	"strings"
	"testing"
	"time"

	"appstart/runtime/harness/skip"
)

func TestCronNext(t *testing.T) {
	utc := func(s string) time.Time {
		tm, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, c := range []struct{ expr, from, want string }{
		{"*/5 * * * *", "2025-03-07 12:03", "2025-03-07 12:05"},
		{"*/5 * * * *", "2025-03-07 12:05", "2025-03-07 12:10"}, // strictly after
		{"*/5 * * * *", "2025-03-07 23:58", "2025-03-08 00:00"},
		{"0 3 * * *", "2025-03-07 03:00", "2025-03-08 03:00"},
		{"30 2 1 * *", "2025-01-31 10:00", "2025-02-01 02:30"},
		{"0 0 29 2 *", "2025-03-01 00:00", "2028-02-29 00:00"}, // next leap day
		{"*/15 9-17 * * mon-fri", "2025-03-07 17:50", "2025-03-10 09:00"},
		{"0 12 * * 7", "2025-03-07 00:00", "2025-03-09 12:00"},   // 7 is Sunday
		{"0 12 * * sun", "2025-03-07 00:00", "2025-03-09 12:00"}, // names
		{"0 0 1 jan *", "2025-03-07 00:00", "2026-01-01 00:00"},
		{"0 0 13 * fri", "2025-03-07 00:00", "2025-03-13 00:00"},   // both restricted: either matches (Vixie)
		{"0 0 */10 * fri", "2025-03-07 00:00", "2025-03-21 00:00"}, // "*/10" counts as *: a Friday that is day 1, 11, 21 or 31
		{"5/20 * * * *", "2025-03-07 12:00", "2025-03-07 12:05"},   // a/n runs from a to the end
		{"5/20 * * * *", "2025-03-07 12:46", "2025-03-07 13:05"},
		{"1,2,58 * * * *", "2025-03-07 12:03", "2025-03-07 12:58"},
		{"@hourly", "2025-03-07 12:03", "2025-03-07 13:00"},
		{"@daily", "2025-03-07 12:03", "2025-03-08 00:00"},
		{"@weekly", "2025-03-07 12:03", "2025-03-09 00:00"},
		{"@monthly", "2025-03-07 12:03", "2025-04-01 00:00"},
		{"@yearly", "2025-03-07 12:03", "2026-01-01 00:00"},
		{"0 0 30 2 *", "2025-03-07 12:03", ""}, // never
	} {
		cr, err := ParseCron(c.expr)
		if err != nil {
			t.Errorf("ParseCron(%q): %v", c.expr, err)
			continue
		}
		got := cr.Next(utc(c.from))
		if c.want == "" {
			if !got.IsZero() {
				t.Errorf("%q from %s: got %v, want never", c.expr, c.from, got)
			}
			continue
		}
		if want := utc(c.want); !got.Equal(want) {
			t.Errorf("%q from %s: got %s, want %s", c.expr, c.from, got.Format("2006-01-02 15:04 Mon"), c.want)
		}
	}
}

// TestCronNextDST: in a zone with daylight saving, Next still moves
// forward through the repeated hour and lands after the skipped one.
func TestCronNextDST(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		skip.OrFail(t, "no time zone data: %v", err)
	}
	cr, _ := ParseCron("*/30 * * * *")
	// 2025-10-26 03:00 CEST -> 02:00 CET: 02:00-02:59 happens twice.
	tm := time.Date(2025, 10, 26, 1, 59, 0, 0, loc)
	for range 8 {
		next := cr.Next(tm)
		if !next.After(tm) || next.Sub(tm) > 30*time.Minute {
			t.Fatalf("Next(%v) = %v: must be after it and within 30m", tm, next)
		}
		tm = next
	}
	spring, _ := ParseCron("30 2 * * *") // 2025-03-30 02:30 does not exist in Berlin
	got := spring.Next(time.Date(2025, 3, 30, 1, 0, 0, 0, loc))
	if !got.After(time.Date(2025, 3, 30, 1, 0, 0, 0, loc)) {
		t.Errorf("spring forward: Next went backwards: %v", got)
	}
}

func TestCronErrors(t *testing.T) {
	for expr, want := range map[string]string{
		"* * * *":         "has 4 fields",
		"* * * * * *":     "has 6 fields",
		"60 * * * *":      "minute field \"60\": 60 is out of range 0-59",
		"* 24 * * *":      "hour field",
		"* * 0 * *":       "day-of-month field \"0\": 0 is out of range 1-31",
		"* * * 13 *":      "month field",
		"* * * * 8":       "day-of-week field",
		"* * * foo *":     `"foo" is not a number 1-12 or a name such as "jan"`,
		"*/0 * * * *":     "step \"0\" must be a positive number",
		"5-1 * * * *":     "range 5-1 goes backwards: write 1-5",
		"@reboot":         "unknown macro",
		"":                "has 0 fields",
		"1,,2 * * * *":    `"" is not a number`,
		"* * * * mon-xyz": `"xyz" is not a number 0-7`,
	} {
		_, err := ParseCron(expr)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseCron(%q) = %v, want an error containing %q", expr, err, want)
		}
	}
}

func TestCronString(t *testing.T) {
	c, err := ParseCron("  */5   *  * * * ")
	if err != nil {
		t.Fatal(err)
	}
	if c.String() != "*/5 * * * *" {
		t.Errorf("String() = %q", c.String())
	}
	if !(Cron{}).Next(time.Now()).IsZero() {
		t.Error("the zero Cron must never be due")
	}
}
