// Command review hands a language's messages to a native speaker and takes
// their corrections back, with goi18n, go-i18n's own tool, doing the merge.
// See locales/REVIEW.md for the whole workflow.
//
//	go run ./locales/cmd/review export pl            # writes werkwijzer.pl.toml
//	go run ./locales/cmd/review import pl FILE       # takes it back into locales/pl.toml
//
// Run it from the repository root: goi18n runs as `go tool goi18n` (the
// tool directive in go.mod), so that every maintainer has the same version
// without installing anything.
//
// The review file is what `goi18n merge` makes of nl.toml and the
// language's file: every message with its description, the hash of the
// Dutch text it translates, and the text; messages the language lacks come
// from goi18n's translate file with the Dutch text to translate. The export
// lays it out in the order of nl.toml, with the Dutch and English as
// comments and the width a button may take, so that a reviewer without Go
// can work in any text editor. The import merges the returned file with
// goi18n (which drops a text whose Dutch changed since the export: its hash
// no longer matches) and writes into locales/<code>.toml only the texts
// that changed, in place, so that the file keeps its layout, its comments
// and its multi-line texts.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "review:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("review", flag.ContinueOnError)
	dir := fs.String("locales", "locales", "the directory of the message files")
	out := fs.String("o", ".", "export: the directory to write the review file to")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: review [-locales DIR] [-o DIR] export CODE\n       review [-locales DIR] import CODE FILE")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch a := fs.Args(); {
	case len(a) == 2 && a[0] == "export":
		path, err := export(*dir, a[1], *out)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s: send it to the reviewer (see locales/REVIEW.md)\n", path)
		return nil
	case len(a) == 3 && a[0] == "import":
		rep, err := importReview(*dir, a[1], a[2])
		if err != nil {
			return err
		}
		fmt.Fprint(stdout, rep)
		return nil
	}
	fs.Usage()
	return fmt.Errorf("want export CODE or import CODE FILE")
}
