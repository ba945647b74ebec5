package events

import "strings"

// The print formats of the basic types (PRINT_TYPE_FMT_NAME in
// kernel/trace/trace_probe.c). The string one is as it appears inside the
// event's print fmt, quotes escaped.
const (
	fmtStringEscaped = `\"%s\"`
)

// probeFetchTypes is probe_fetch_types[] for a 64-bit kernel: name,
// kind, size, signedness, print format and the type in the format file.
// The x types are aliases of the u types in the format file, char of u8
// and symbol of u64 (ADDR_FETCH_TYPE). The string types are stored as a
// u32 __data_loc and are marked signed, as the kernel's table does.
var probeFetchTypes = []Type{
	{Name: "string", Kind: TypeString, Size: 4, Signed: true, Fmt: fmtStringEscaped, FmtType: "__data_loc char[]"},
	{Name: "ustring", Kind: TypeUString, Size: 4, Signed: true, Fmt: fmtStringEscaped, FmtType: "__data_loc char[]"},
	{Name: "symstr", Kind: TypeSymstr, Size: 4, Signed: true, Fmt: fmtStringEscaped, FmtType: "__data_loc char[]"},
	{Name: "u8", Kind: TypeInt, Size: 1, Fmt: "%u", FmtType: "u8"},
	{Name: "u16", Kind: TypeInt, Size: 2, Fmt: "%u", FmtType: "u16"},
	{Name: "u32", Kind: TypeInt, Size: 4, Fmt: "%u", FmtType: "u32"},
	{Name: "u64", Kind: TypeInt, Size: 8, Fmt: "%Lu", FmtType: "u64"},
	{Name: "s8", Kind: TypeInt, Size: 1, Signed: true, Fmt: "%d", FmtType: "s8"},
	{Name: "s16", Kind: TypeInt, Size: 2, Signed: true, Fmt: "%d", FmtType: "s16"},
	{Name: "s32", Kind: TypeInt, Size: 4, Signed: true, Fmt: "%d", FmtType: "s32"},
	{Name: "s64", Kind: TypeInt, Size: 8, Signed: true, Fmt: "%Ld", FmtType: "s64"},
	{Name: "x8", Kind: TypeInt, Size: 1, Hex: true, Fmt: "0x%x", FmtType: "u8"},
	{Name: "x16", Kind: TypeInt, Size: 2, Hex: true, Fmt: "0x%x", FmtType: "u16"},
	{Name: "x32", Kind: TypeInt, Size: 4, Hex: true, Fmt: "0x%x", FmtType: "u32"},
	{Name: "x64", Kind: TypeInt, Size: 8, Hex: true, Fmt: "0x%Lx", FmtType: "u64"},
	{Name: "char", Kind: TypeChar, Size: 1, Fmt: "'%c'", FmtType: "u8"},
	{Name: "symbol", Kind: TypeSymbol, Size: 8, Hex: true, Fmt: "%pS", FmtType: "u64"},
}

// DefaultFetchType is DEFAULT_FETCH_TYPE_STR on a 64-bit kernel: the type
// of an argument given without one.
const DefaultFetchType = "x64"

// LookupType is find_fetch_type: the table entry for a type name ("" is
// the default x64). A name starting with 'b' is a bitfield whose
// container, after the first '/', must be 8, 16, 32 or
// 64 (parsed with kstrtoul base 0); the container's u type is returned.
// nil means an unknown type.
func LookupType(name string) *Type {
	if name == "" {
		name = DefaultFetchType
	}
	if name[0] == 'b' {
		i := strings.IndexByte(name, '/')
		if i < 0 {
			return nil
		}
		bs, e := kstrtoul(name[i+1:], 0)
		if e != 0 {
			return nil
		}
		switch bs {
		case 8, 16, 32, 64:
			return LookupType(map[uint64]string{8: "u8", 16: "u16", 32: "u32", 64: "u64"}[bs])
		}
		return nil
	}
	for i := range probeFetchTypes {
		if probeFetchTypes[i].Name == name {
			t := probeFetchTypes[i]
			return &t
		}
	}
	return nil
}

// IsString reports whether values of the type are stored as __data_loc
// strings (fetch_type.is_string).
func (t *Type) IsString() bool {
	return t.Kind == TypeString || t.Kind == TypeUString || t.Kind == TypeSymstr
}
