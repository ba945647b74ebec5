package docs

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/internal/golden"
)

// block is one command of a console block and the output the document
// shows for it.
type block struct {
	line    int    // 1-based line of the command in the document
	command string // without the "$ " prompt, continuations joined
	want    string
	// start and end delimit the output lines in the document (0-based,
	// end exclusive), for -update.
	start, end int
}

// parseConsoleBlocks finds the commands of every console block of doc.
func parseConsoleBlocks(doc string) ([]block, error) {
	lines := strings.Split(doc, "\n")
	var out []block
	in := false
	var cur *block
	flush := func(end int) {
		if cur != nil {
			cur.end = end
			cur.want = strings.Join(lines[cur.start:end], "\n")
			if cur.want != "" {
				cur.want += "\n"
			}
			out = append(out, *cur)
			cur = nil
		}
	}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		trimmed := strings.TrimSpace(l)
		switch {
		case !in && strings.HasPrefix(trimmed, "```console"):
			in = true
		case in && trimmed == "```":
			flush(i)
			in = false
		case in && strings.HasPrefix(l, "$ "):
			flush(i)
			cmd := strings.TrimPrefix(l, "$ ")
			first := i
			for strings.HasSuffix(cmd, "\\") && i+1 < len(lines) {
				i++
				cmd = strings.TrimSuffix(cmd, "\\") + "\n" + lines[i]
			}
			cur = &block{line: first + 1, command: cmd, start: i + 1}
		}
	}
	if in {
		return nil, errUnclosed
	}
	return out, nil
}

type docError string

func (e docError) Error() string { return string(e) }

const errUnclosed = docError("a console block is not closed")

// documents are the files whose console blocks are run.
func documents(t *testing.T) []string {
	docs, err := filepath.Glob("*.md")
	require.NoError(t, err)
	return append(docs, filepath.Join("..", "README.md"))
}

// buildKpemu builds the command line from this tree into a temporary
// directory and returns that directory.
func buildKpemu(t *testing.T) string {
	goBin, err := exec.LookPath("go")
	require.NoError(t, err, "the go command builds kpemu for the documentation's commands")
	dir := t.TempDir()
	cmd := exec.Command(goBin, "build", "-o", filepath.Join(dir, "kpemu"), "./cmd/kpemu")
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build ./cmd/kpemu: %s", out)
	return dir
}

// snapshot reads every file under docs/ except the documents themselves.
func snapshot(t *testing.T) map[string][]byte {
	files := map[string][]byte{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".md") || strings.HasSuffix(path, ".go") {
			return err
		}
		b, err := os.ReadFile(path)
		files[path] = b
		return err
	})
	require.NoError(t, err)
	return files
}

func TestParseConsoleBlocks(t *testing.T) {
	doc := "text\n```console\n$ kpemu a \\\n  --b\nout1\nout2\n$ kpemu c\n```\n```sh\n$ not run\n```\n"
	bs, err := parseConsoleBlocks(doc)
	require.NoError(t, err)
	require.Len(t, bs, 2)
	assert.Equal(t, "kpemu a \n  --b", bs[0].command)
	assert.Equal(t, "out1\nout2\n", bs[0].want)
	assert.Equal(t, 3, bs[0].line)
	assert.Equal(t, "kpemu c", bs[1].command)
	assert.Equal(t, "", bs[1].want)
	_, err = parseConsoleBlocks("```console\n$ x\n")
	assert.ErrorIs(t, err, errUnclosed)
}

// TestCommandBlocks runs every command the documentation shows and
// compares its output, and the files it writes under docs/, with the
// document.
func TestCommandBlocks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command line")
	}
	bin := buildKpemu(t)
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	before := snapshot(t)
	total := 0
	for _, path := range documents(t) {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		blocks, err := parseConsoleBlocks(string(src))
		require.NoError(t, err, path)
		lines := strings.Split(string(src), "\n")
		// Outputs replaced from the last block back, so earlier line
		// numbers stay valid.
		var replaced []string
		for _, b := range blocks {
			total++
			cmd := exec.Command("sh", "-c", b.command)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "NO_COLOR=1", "COLUMNS=80")
			got, _ := cmd.CombinedOutput() // the exit status shows in the output when a document wants it: `...; echo "exit $?"`
			replaced = append(replaced, string(got))
			if !*golden.Update {
				assert.Equal(t, b.want, string(got), "%s:%d: $ %s", path, b.line, b.command)
			}
		}
		if *golden.Update {
			for i := len(blocks) - 1; i >= 0; i-- {
				b := blocks[i]
				out := strings.Split(strings.TrimSuffix(replaced[i], "\n"), "\n")
				if replaced[i] == "" {
					out = nil
				}
				lines = slices.Replace(lines, b.start, b.end, out...)
			}
			require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644))
		}
	}
	assert.NotZero(t, total, "the documents show commands")
	after := snapshot(t)
	for path, b := range after {
		if old, ok := before[path]; !ok || !bytes.Equal(old, b) {
			if *golden.Update {
				continue
			}
			if ok {
				assert.Fail(t, "a documented command changed a file under docs/", "%s (go test ./docs -update rewrites it; read the diff)", path)
				require.NoError(t, os.WriteFile(path, old, 0o644))
			} else {
				assert.Fail(t, "a documented command wrote a file under docs/ that is not committed", path)
			}
		}
	}
}

// setupLine is one command of an "sh" block: set-up commands the
// documents show but the test cannot run (they install things, run the
// tests themselves, or need a kernel image).
type setupLine struct {
	doc  string
	line int
	text string
}

// parseSetupBlocks returns the commands of doc's sh blocks, comments and
// continuation-free, one per line.
func parseSetupBlocks(docName, doc string) []setupLine {
	var out []setupLine
	in := false
	for i, l := range strings.Split(doc, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case !in && t == "```sh":
			in = true
		case in && t == "```":
			in = false
		case in:
			if c := strings.Index(t, "#"); c >= 0 {
				t = strings.TrimSpace(t[:c])
			}
			if t != "" {
				out = append(out, setupLine{docName, i + 1, t})
			}
		}
	}
	return out
}

// TestSetupBlocks keeps the set-up commands from drifting too: every make
// target exists in the Makefile, every path and script exists, the Debian
// packages are the ones `make ci` installs, every kpemu command line
// parses (and, with KPEMU_VMLINUX, the real-kernel ones run).
func TestSetupBlocks(t *testing.T) {
	mk, err := os.ReadFile(filepath.Join("..", "Makefile"))
	require.NoError(t, err)
	makefile := string(mk)
	var bin string
	vmlinux := os.Getenv("KPEMU_VMLINUX")
	checked := 0
	for _, path := range documents(t) {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		for _, l := range parseSetupBlocks(path, string(src)) {
			where := fmt.Sprintf("%s:%d: %s", l.doc, l.line, l.text)
			checked++
			for _, w := range strings.Fields(l.text) {
				if p, ok := strings.CutPrefix(strings.Trim(w, "$()"), "scripts/"); ok {
					st, err := os.Stat(filepath.Join("..", "scripts", p))
					if assert.NoError(t, err, where) {
						assert.NotZero(t, st.Mode()&0o111, "%s: the script is executable", where)
					}
				}
			}
			f := strings.Fields(l.text)
			switch {
			case f[0] == "make":
				for _, target := range f[1:] {
					if name, _, ok := strings.Cut(target, "="); ok {
						assert.Regexp(t, `(?m)^`+name+`\s*\??=`, makefile, "%s: a Makefile variable", where)
						continue
					}
					assert.Regexp(t, `(?m)^`+target+`:`, makefile, "%s: a Makefile target", where)
				}
			case f[0] == "go" && f[1] == "install":
				_, err := os.Stat(filepath.Join("..", f[2]))
				assert.NoError(t, err, where)
			case f[0] == "apt-get":
				for _, pkg := range f[2:] {
					assert.Regexp(t, `(?m)^ORACLES\s*:=.*\b`+pkg+`\b`, makefile, "%s: make ci installs it", where)
				}
			case strings.HasPrefix(f[0], "V=$(") || strings.Contains(f[0], "=$(scripts/"):
				// An assignment from a script, checked above; a test
				// command line after it (KPEMU_VMLINUX=... go test) too.
				if len(f) > 1 && f[len(f)-1] == "./..." {
					assert.Contains(t, l.text, "go test", where)
				}
			case f[0] == "kpemu":
				if bin == "" {
					bin = buildKpemu(t)
				}
				// The subcommand exists and takes these flags: cobra
				// rejects unknown flags before running anything, and
				// --help stops every command after parsing.
				out, err := exec.Command(filepath.Join(bin, "kpemu"), append(shellFields(t, l.text)[1:], "--help")...).CombinedOutput()
				assert.NoError(t, err, "%s: %s", where, out)
				if vmlinux != "" && strings.Contains(l.text, "$V") {
					args := shellFields(t, strings.ReplaceAll(l.text, "$V", vmlinux))[1:]
					cmd := exec.Command(filepath.Join(bin, "kpemu"), args...)
					out, err := cmd.CombinedOutput()
					code := 0
					if err != nil {
						var ee *exec.ExitError
						require.ErrorAs(t, err, &ee, where)
						code = ee.ExitCode()
					}
					assert.Contains(t, []int{0, 3}, code, "%s on %s: ran or refused the probe, nothing else\n%s", where, vmlinux, out)
				}
			default:
				assert.Fail(t, "a set-up command the docs test does not know how to check", where)
			}
		}
	}
	assert.NotZero(t, checked)
}

// shellFields splits a documented command line as sh would for the
// simple quoting the documents use (single quotes, no escapes).
func shellFields(t *testing.T, s string) []string {
	var out []string
	var cur strings.Builder
	inWord, quoted := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			quoted, inWord = !quoted, true
		case (r == ' ' || r == '\t') && !quoted:
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	require.False(t, quoted, "unterminated quote in %q", s)
	if inWord {
		out = append(out, cur.String())
	}
	return out
}
