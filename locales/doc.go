// Package locales holds every text a user sees, as go-i18n TOML files embedded
// in the binary (nl.toml is the Dutch source, one <code>.toml per language),
// and the lookup that falls back along a chain of languages.
//
// It also holds what keeps the texts right for people who read little, on a
// phone, in 15 languages, and `go test ./locales` checks all of it:
//
//   - Check: every language has every message of nl.toml, with the same
//     placeholders and the plural forms its CLDR rules need.
//   - Buttons: how each button message is laid out (buttons per row, the
//     "✓ " of a multi-select option); every label must fit the width a
//     phone gives it (Layout.Limit, Width).
//   - GLOSSARY.md: per language, the one word for each of the terms a
//     jobseeker must recognise, the form of address and how gender is
//     handled; every message whose Dutch names a term must use the word.
//   - Arabic, Dari and Pashto begin a line with a placeholder only after a
//     right-to-left mark (U+200F), and list_sep is the script's own comma
//     (Catalog.List). Their numbers need nothing in the files: T puts every
//     number of a rendered text between bidi isolates (IsolateNumbers), so
//     that "0800 30 700" does not show as "700 30 0800".
//   - REVIEW.md: how a native speaker reviews a language without Go (the
//     export and import of cmd/review, built on goi18n merge) and the table
//     of reviews, which Reviewed reads.
//
// To add a language: copy nl.toml to <code>.toml and translate it (every
// placeholder kept, every plural form the language needs, list_sep with the
// script's comma, RTL marks where a line begins with a placeholder, every
// button within its width); add it to Languages (RTL, the Telegram code);
// fill in its section of GLOSSARY.md; add its row (reviewed: no) to the
// table of REVIEW.md; if its script has its own comma, add it to the comma
// table of script_test.go. Then `go test ./locales` says what is left.
//
// It depends on nothing of Werkwijzer's own, so that dialogs, the Telegram
// channel and the terminal can all render the same messages.
package locales
