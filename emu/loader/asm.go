package loader

import (
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kpemu/kpemu/arm64/asm"
	"github.com/kpemu/kpemu/arm64/obj"
	"github.com/kpemu/kpemu/emu"
)

// maxSourceSize bounds an assembly file read by LoadFile and LoadFiles: a
// hand-written or generated test source is far smaller, and a huge file
// given by mistake should be an error, not a long wait.
const maxSourceSize = 64 << 20

// IsSource reports whether path names an assembly source that LoadFile
// and LoadFiles assemble rather than read as ELF: a ".s" file. A ".S"
// file is meant for the C preprocessor first (#include, #define, macros),
// which kpemu does not run; it is refused with a message saying so.
func IsSource(path string) bool { return filepath.Ext(path) == ".s" }

// LoadSource assembles src (GNU as syntax, arm64/asm), links the object at
// Options.Base (0 means obj.DefaultBase) and loads it into m, as LoadFile
// does for an object file. name names the source in messages: the
// assembler's errors are returned as they are, an asm.ErrorList whose
// lines start with name:line:col.
func LoadSource(m *emu.Machine, name string, src []byte, opts *Options) (*Loaded, error) {
	o, err := asm.Assemble(name, src)
	if err != nil {
		return nil, err
	}
	return linkAndLoad(m, []*obj.Object{o}, opts)
}

// LoadFiles links several files into one image at Options.Base and loads
// it into m: ".s" files are assembled (see IsSource), the others must be
// relocatable ELF objects (ET_REL, from GNU as, gcc -c or obj.WriteELF).
// Symbols defined in one file resolve references in the others, in
// whatever order the files come. Assembler errors are returned as they
// are (file:line:col); the errors of several sources are all reported,
// joined, before any linking.
func LoadFiles(m *emu.Machine, paths []string, opts *Options) (*Loaded, error) {
	if len(paths) == 0 {
		return nil, errors.New("loader: no files to link")
	}
	objs := make([]*obj.Object, 0, len(paths))
	var errs []error
	for _, p := range paths {
		o, err := readObject(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		objs = append(objs, o)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return linkAndLoad(m, objs, opts)
}

// readObject assembles a source or reads a relocatable object.
func readObject(path string) (*obj.Object, error) {
	if filepath.Ext(path) == ".S" {
		return nil, fmt.Errorf("loader: %s: a .S file needs the C preprocessor, which kpemu does not run: preprocess it (cpp -P) into a .s file", path)
	}
	if IsSource(path) {
		src, err := readSource(path)
		if err != nil {
			return nil, fmt.Errorf("loader: %w", err)
		}
		return asm.Assemble(path, src)
	}
	f, err := obj.OpenELF(path)
	if err != nil {
		return nil, fmt.Errorf("loader: %w", err)
	}
	if f.Type != elf.ET_REL {
		return nil, fmt.Errorf("loader: %s: a %v cannot be linked with other files: only relocatable objects (ET_REL) and .s sources can", path, f.Type)
	}
	return f.Object, nil
}

func readSource(path string) ([]byte, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fd.Close()
	st, err := fd.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > maxSourceSize {
		return nil, fmt.Errorf("%s: %d bytes: an assembly source is limited to %d MiB", path, st.Size(), maxSourceSize>>20)
	}
	return os.ReadFile(path)
}

// linkAndLoad links objects at the options' base and loads the image.
func linkAndLoad(m *emu.Machine, objs []*obj.Object, opts *Options) (*Loaded, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	names := make([]string, len(objs))
	for i, ob := range objs {
		names[i] = ob.Name
	}
	img, err := obj.Link(objs, &obj.LinkOptions{Base: o.Base, Entry: o.Entry, Name: strings.Join(names, "+")})
	if err != nil {
		return nil, fmt.Errorf("loader: %w", err)
	}
	return Load(m, img, &o)
}
