package locales

// ReviewedIn is Reviewed against the review table of doc, for tests of
// tables other than the real one.
func ReviewedIn(doc, code string) (bool, error) {
	rows, err := parseReviews(doc)
	return reviewedIn(rows, code), err
}
