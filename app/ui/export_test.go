package ui

// The test driver runs fyne.Do on the calling goroutine: serialise the
// window's background hops as the real driver does.
func init() { serialHops = true }

// Num is num for the tests of the English plurals.
func Num(n int, vi string) string { return num(n, vi) }

// ApplicantOverflow is how much taller the applicant's column is than the
// room it has (> 0: it scrolls, the address is cut).
func (s *Intake) ApplicantOverflow() float32 {
	return s.applicant.MinSize().Height - s.applicantScroll.Size().Height
}

// Overflow is how much taller the return form is than its room (> 0: the
// confirm button is below the fold).
func (s *Return) Overflow() float32 {
	return s.left.MinSize().Height - s.content.Size().Height
}
