// Package reftest holds what the tests of the format packages under header
// share: finding a Python that can import a reference reader and running a
// script in it, loading fixtures and their manifests, seeding fuzz targets,
// and decoding data bytes to the values a reference reader reports.
//
// It imports only the standard library, layout and header, never array or
// a format package, so that every format's internal tests can use it: the
// array package imports the formats, and a format's internal test that
// imported array would make a cycle.
//
// # Reference readers
//
// [RequirePython] finds an interpreter: $PYTHON, else python3 in /usr/bin
// or on the PATH. Without one that can import the module the test is
// skipped, or fails when the environment variable CI is "true", where the
// reference readers must be installed. [PythonJSON] runs a script in it and
// decodes the JSON the script writes to standard output.
//
// # Fixtures
//
// Fixtures live in testdata/<format> at the top of the module, written by
// the gen.py script there with a manifest.json of what the reference reader
// read. [Dir] names that folder from a package two levels down (header/<format>),
// [LoadJSON] decodes a manifest, [Files] reads the fixtures whose names
// match a pattern, and [Describe] finds a fixture's describer through the
// format registry.
//
// # Values
//
// [DecodeItems] and [FileValues] turn data bytes into float64 values the way
// the fixtures' manifests list them; [Floats] decodes those manifests'
// numbers. [Numbers] and [JSONNumbers] compare exactly instead, as text, for
// the formats whose manifests keep NumPy's .item() values.
package reftest
