// Command testjson condenses `go test -json` into the usual short go test
// output and counts the tests: it prints each package's result line, build
// errors, and the full output of failing tests (and of tests still running
// when their package failed, e.g. on a timeout), then a closing line
// "go test: N passed, N failed, N skipped" (a package that failed without a
// failing test, e.g. on a build error, counts as one failure). Used by scripts/test.sh:
//
//	go test -json ./... | go run ./scripts/testjson
//
// Its exit status is 1 when any test or package failed, else 0; the caller
// still checks go test's own status (pipefail).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action     string
	Package    string
	Test       string
	Output     string
	ImportPath string // build-output / build-fail
}

type key struct{ pkg, test string }

type counts struct {
	passed, failed, skipped int
	failedPkgs              int
	failedNames, skipNames  []string
}

func main() {
	c, err := run(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testjson:", err)
		os.Exit(2)
	}
	if c.failed > 0 || c.failedPkgs > 0 {
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) (counts, error) {
	var c counts
	pending := map[key]*strings.Builder{} // output of tests still running
	pkgHadFailure := map[string]bool{}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			// Not JSON (e.g. a build error printed by go itself): pass it through.
			fmt.Fprintf(out, "%s\n", line)
			continue
		}
		switch {
		case e.Action == "build-output":
			fmt.Fprint(out, e.Output)
		case e.Action == "build-fail":
			// the package's own "fail" event follows
		case e.Test == "":
			// Package-level: "ok pkg 1.2s", "FAIL pkg", "? pkg [no test files]", panics.
			switch e.Action {
			case "output":
				if s := e.Output; s != "PASS\n" && s != "FAIL\n" && !strings.HasPrefix(s, "coverage:") {
					fmt.Fprint(out, s)
				}
			case "fail":
				c.failedPkgs++
				if !pkgHadFailure[e.Package] {
					// Build failure, TestMain or init failure, timeout: no test
					// reported failing, but the package did; count it as one.
					c.failed++
					c.failedNames = append(c.failedNames, e.Package+" (package)")
				}
				for k, b := range pending { // tests that never finished (timeout, panic)
					if k.pkg == e.Package {
						fmt.Fprintf(out, "--- unfinished: %s (%s)\n%s", k.test, k.pkg, b.String())
						delete(pending, k)
					}
				}
			}
		default:
			k := key{e.Package, e.Test}
			switch e.Action {
			case "run":
				pending[k] = &strings.Builder{}
			case "output":
				if b := pending[k]; b != nil {
					b.WriteString(e.Output)
				}
			case "pass":
				c.passed++
				delete(pending, k)
			case "skip":
				c.skipped++
				c.skipNames = append(c.skipNames, e.Package+" "+e.Test)
				delete(pending, k)
			case "fail":
				c.failed++
				pkgHadFailure[e.Package] = true
				c.failedNames = append(c.failedNames, e.Package+" "+e.Test)
				if b := pending[k]; b != nil {
					fmt.Fprint(out, b.String())
				}
				delete(pending, k)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return c, err
	}
	if len(c.skipNames) > 0 {
		sort.Strings(c.skipNames)
		fmt.Fprintf(out, "\nskipped tests (%d):\n", len(c.skipNames))
		for i, n := range c.skipNames {
			if i == 30 {
				fmt.Fprintf(out, "  ... and %d more\n", len(c.skipNames)-30)
				break
			}
			fmt.Fprintf(out, "  %s\n", n)
		}
	}
	if len(c.failedNames) > 0 {
		sort.Strings(c.failedNames)
		fmt.Fprintf(out, "\nfailed tests (%d):\n", len(c.failedNames))
		for _, n := range c.failedNames {
			fmt.Fprintf(out, "  %s\n", n)
		}
	}
	fmt.Fprintf(out, "\ngo test: %d passed, %d failed, %d skipped\n", c.passed, c.failed, c.skipped)
	return c, nil
}
