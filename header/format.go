package header

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// SniffLen is how many leading bytes of a file [Sniff] is given to look at:
// enough for every registered format's magic, including MRC's at byte 208
// and NIfTI-1's at byte 344.
const SniffLen = 1024

// ErrUnknownFormat is returned by [Sniff] when no registered format claims a
// file, by its leading bytes or by its name.
var ErrUnknownFormat = errors.New("header: unknown file format")

// A Format is a file format whose array this package or one of its
// subpackages can describe. Subpackages register theirs in an init function,
// as image/png registers itself with the image package, so that a program
// importing header/mrc for its side effect opens MRC files by path.
type Format struct {
	// Name is the format's short lowercase name, such as "npy" or "mrc",
	// by which a caller may ask for it explicitly.
	Name string

	// Extensions are the file name endings the format uses, lowercase and
	// with the dot (".mrc", ".mrcs"). They decide only when no format
	// claims the file by its content.
	Extensions []string

	// Match reports whether a file whose first bytes are head (SniffLen of
	// them, or the whole file when it is shorter) is in this format. name
	// is the file's path, for formats recognised by a sidecar file beside
	// it. A nil Match leaves the format to be chosen by extension or name.
	Match func(name string, head []byte) bool

	// Describer returns the Describer for the named file. A format whose
	// description lives in a sidecar file reads the sidecar here; others
	// return a value that reads the file's own header.
	Describer func(name string) (Describer, error)
}

var formats struct {
	sync.RWMutex
	list []Format
}

// RegisterFormat makes f known to [Sniff] and [LookupFormat]. It is meant to
// be called from init functions.
//
// RegisterFormat panics if f has no Name or no Describer, or if a format of
// the same name is already registered.
func RegisterFormat(f Format) {
	if f.Name == "" || f.Describer == nil {
		panic(fmt.Sprintf("header: RegisterFormat of %q without a name or a Describer", f.Name))
	}
	formats.Lock()
	defer formats.Unlock()
	for _, g := range formats.list {
		if g.Name == f.Name {
			panic(fmt.Sprintf("header: format %q registered twice", f.Name))
		}
	}
	formats.list = append(formats.list, f)
}

// Formats returns the registered formats, sorted by name.
func Formats() []Format {
	formats.RLock()
	list := slices.Clone(formats.list)
	formats.RUnlock()
	slices.SortFunc(list, func(a, b Format) int { return strings.Compare(a.Name, b.Name) })
	return list
}

// LookupFormat returns the registered format called name.
func LookupFormat(name string) (Format, bool) {
	formats.RLock()
	defer formats.RUnlock()
	for _, f := range formats.list {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

// Sniff chooses the format of the file called name whose first bytes are
// head: the first registered format whose Match claims it, else the first
// whose Extensions include the name's ending (compared without regard to
// case). A file that none claims gives an error wrapping [ErrUnknownFormat].
func Sniff(name string, head []byte) (Format, error) {
	formats.RLock()
	defer formats.RUnlock()
	for _, f := range formats.list {
		if f.Match != nil && f.Match(name, head) {
			return f, nil
		}
	}
	ext := strings.ToLower(filepath.Ext(name))
	for _, f := range formats.list {
		if ext != "" && slices.Contains(f.Extensions, ext) {
			return f, nil
		}
	}
	return Format{}, fmt.Errorf("%w: %s is not a file of any registered format (%s)", ErrUnknownFormat, name, formatNames(formats.list))
}

func formatNames(list []Format) string {
	names := make([]string, len(list))
	for i, f := range list {
		names[i] = f.Name
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func init() {
	RegisterFormat(Format{
		Name:       "npy",
		Extensions: []string{".npy"},
		Match:      func(_ string, head []byte) bool { return bytes.HasPrefix(head, []byte(magic)) },
		Describer:  func(string) (Describer, error) { return NPY{}, nil },
	})
}
