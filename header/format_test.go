package header

import (
	"errors"
	"testing"
)

func TestSniff(t *testing.T) {
	RegisterFormat(Format{
		Name:       "test-magic",
		Extensions: []string{".tm"},
		Match:      func(_ string, head []byte) bool { return len(head) >= 4 && string(head[:4]) == "TMAG" },
		Describer:  func(string) (Describer, error) { return Raw{}, nil },
	})
	RegisterFormat(Format{
		Name:       "test-ext",
		Extensions: []string{".te"},
		Describer:  func(string) (Describer, error) { return Raw{}, nil },
	})
	tests := []struct {
		name string
		head string
		want string
	}{
		{"frames.npy", "\x93NUMPY\x01\x00", "npy"},
		{"frames.bin", "\x93NUMPY\x01\x00", "npy"}, // content wins over the name
		{"x.tm", "TMAGxxxx", "test-magic"},
		{"x.dat", "TMAG", "test-magic"},
		{"x.TE", "anything", "test-ext"}, // extensions compare without case
		{"x.tm", "not the magic", "test-magic"},
		{"x.npy", "", "npy"},
	}
	for _, tt := range tests {
		f, err := Sniff(tt.name, []byte(tt.head))
		if err != nil || f.Name != tt.want {
			t.Errorf("Sniff(%q, %q) = %q, %v, want %q", tt.name, tt.head, f.Name, err, tt.want)
		}
	}
	if f, err := Sniff("x.unknown", []byte("????")); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("Sniff(x.unknown) = %q, %v, want ErrUnknownFormat", f.Name, err)
	}
	if _, ok := LookupFormat("test-ext"); !ok {
		t.Error(`LookupFormat("test-ext") found nothing`)
	}
	if _, ok := LookupFormat("nope"); ok {
		t.Error(`LookupFormat("nope") found a format`)
	}
	names := Formats()
	for i := 1; i < len(names); i++ {
		if names[i-1].Name >= names[i].Name {
			t.Errorf("Formats() not sorted: %q before %q", names[i-1].Name, names[i].Name)
		}
	}
}

func TestRegisterFormatPanics(t *testing.T) {
	for _, f := range []Format{
		{Name: "npy", Describer: func(string) (Describer, error) { return NPY{}, nil }},
		{Name: "", Describer: func(string) (Describer, error) { return NPY{}, nil }},
		{Name: "no-describer"},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("RegisterFormat(%q) did not panic", f.Name)
				}
			}()
			RegisterFormat(f)
		}()
	}
}
