package jobs

import _ "embed"

//go:embed data/sample.jsonld
var sampleJSONLD []byte

// Sample is a realistic, fictional set of vacancies around Antwerp across
// the shortage sectors (made by internal/gensample), so that a new
// installation shows something before staff import real ones.
func Sample() ([]Vacancy, error) { return ParseJSONLD(sampleJSONLD) }
