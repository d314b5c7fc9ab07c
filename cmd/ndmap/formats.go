package main

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/header/envi"
	"github.com/ndmap/ndmap/header/fits"
	"github.com/ndmap/ndmap/header/mrc"
	"github.com/ndmap/ndmap/header/nifti"
	"github.com/ndmap/ndmap/header/spikeglx"
	"github.com/ndmap/ndmap/header/tiff"
	"github.com/ndmap/ndmap/header/wav"
	"github.com/ndmap/ndmap/layout"
)

// formatFlag is --format: the name of the format every file is read as,
// or "" to tell each file's format from its first bytes and name.
var formatFlag string

// formatList names the formats --format accepts: every registered one,
// and "npz", which is an archive rather than a format of one array.
func formatList() string {
	names := []string{"npz"}
	for _, f := range header.Formats() {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// checkFormatFlag checks --format once the flags are parsed.
func checkFormatFlag() error {
	if formatFlag == "" || formatFlag == "npz" {
		return nil
	}
	if _, ok := header.LookupFormat(formatFlag); !ok {
		return usagef("--format %q: not one of %s", formatFlag, formatList())
	}
	return nil
}

// formatOf returns the format of the file at path: the one --format
// names, or the one header.Sniff finds.
func formatOf(path string) (header.Format, error) {
	if formatFlag != "" {
		f, ok := header.LookupFormat(formatFlag)
		if !ok {
			return header.Format{}, usagef("--format %q: not one of %s", formatFlag, formatList())
		}
		return f, nil
	}
	head, err := readHead(path)
	if err != nil {
		return header.Format{}, err
	}
	return header.Sniff(path, head)
}

// formatDescriber returns the Describer of the file at path in its format.
// member chooses an HDU of a FITS file, by index or EXTNAME; other formats
// hold one array and have no members.
func formatDescriber(path, member string) (header.Describer, header.Format, error) {
	f, err := formatOf(path)
	if err != nil {
		return nil, f, err
	}
	if member != "" {
		if f.Name != "fits" {
			return nil, f, fmt.Errorf("%s: a %s file holds one array and has no member %q", path, f.Name, member)
		}
		return fitsDescriber(member), f, nil
	}
	d, err := f.Describer(path)
	if err != nil {
		return nil, f, err
	}
	return d, f, nil
}

// fitsDescriber chooses an HDU by its index, or by EXTNAME (and EXTVER,
// written NAME,VER).
func fitsDescriber(member string) fits.Describer {
	if n, err := strconv.Atoi(member); err == nil && n >= 0 {
		return fits.Describer{HDU: n}
	}
	name, ver, _ := strings.Cut(member, ",")
	v, _ := strconv.Atoi(strings.TrimSpace(ver))
	return fits.Describer{ExtName: strings.TrimSpace(name), ExtVer: v}
}

// withPath names the file in an error that does not: a format's reader
// says what is wrong in the header it was given, not where it came from.
func withPath(path string, err error) error {
	if err == nil || strings.Contains(err.Error(), path) {
		return err
	}
	return fmt.Errorf("%s: %w", path, err)
}

// A metaRow is one line of a format's metadata in info's listing.
type metaRow struct{ key, value string }

// infoFormat describes a file of a registered format other than .npy: the
// format, the array as for a .npy file, then the metadata of the format's
// header that says what the numbers mean.
func infoFormat(w *bufio.Writer, path, member string) error {
	d, f, err := formatDescriber(path, member)
	if err != nil {
		return err
	}
	h, err := header.DescribeFile(path, d)
	if err != nil {
		return withPath(path, err)
	}
	title, rows, err := formatMeta(path, f, d)
	if err != nil {
		return withPath(path, err)
	}
	fmt.Fprintf(w, "%s: %s\n", path, title)
	writeHeader(w, "  ", h, false)
	writeMetaRows(w, "  ", rows)
	return nil
}

// writeMetaRows writes rows aligned on their longest key; a row with an
// empty key continues the one before it.
func writeMetaRows(w *bufio.Writer, indent string, rows []metaRow) {
	width := 7 // as wide as the rows of writeHeader, when the keys allow
	for _, r := range rows {
		width = max(width, len(r.key))
	}
	for _, r := range rows {
		fmt.Fprintf(w, "%s%-*s %s\n", indent, width, r.key, r.value)
	}
}

// formatMeta reads the format's own header and returns a title for the
// file and the rows of metadata info prints.
func formatMeta(path string, f header.Format, d header.Describer) (string, []metaRow, error) {
	switch f.Name {
	case "mrc":
		return mrcMeta(path)
	case "nifti":
		return niftiMeta(path)
	case "fits":
		return fitsMeta(path, d)
	case "wav":
		return wavMeta(path)
	case "tiff":
		return tiffMeta(path)
	case "envi":
		return enviMeta(path)
	case "spikeglx":
		return spikeglxMeta(path)
	}
	return f.Name + " file", nil, nil
}

func mrcMeta(path string) (string, []metaRow, error) {
	h, err := mrc.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	title := fmt.Sprintf("MRC file, mode %d", h.Mode)
	if h.Version != 0 {
		title += fmt.Sprintf(", version %d", h.Version)
	}
	order := orderName(h.ByteOrder)
	if h.StampGuessed {
		order += " (guessed from MODE: the machine stamp is neither order's)"
	}
	v := h.VoxelSize()
	axes := [3]string{}
	for i, a := range h.Axes {
		axes[i] = map[int]string{1: "X", 2: "Y", 3: "Z"}[a]
		if axes[i] == "" {
			axes[i] = strconv.Itoa(a)
		}
	}
	group := strconv.Itoa(h.SpaceGroup)
	switch {
	case h.SpaceGroup == mrc.ImageStack:
		group += " (image stack)"
	case h.SpaceGroup == mrc.Volume:
		group += " (volume)"
	case h.SpaceGroup >= mrc.VolumeStack && h.SpaceGroup <= 630:
		group += " (volume stack)"
	}
	rows := []metaRow{
		{"byte order", order},
		{"size", fmt.Sprintf("NX %d, NY %d, NZ %d", h.Size[0], h.Size[1], h.Size[2])},
		{"voxel size", fmt.Sprintf("%s x %s x %s Å", num(v[0]), num(v[1]), num(v[2]))},
		{"origin", fmt.Sprintf("%s, %s, %s Å", num32(h.Origin[0]), num32(h.Origin[1]), num32(h.Origin[2]))},
		{"start", fmt.Sprintf("%d, %d, %d", h.Start[0], h.Start[1], h.Start[2])},
		{"grid", fmt.Sprintf("MX %d, MY %d, MZ %d", h.Grid[0], h.Grid[1], h.Grid[2])},
		{"cell", fmt.Sprintf("%s x %s x %s Å, angles %s, %s, %s°", num32(h.Cell[0]), num32(h.Cell[1]), num32(h.Cell[2]), num32(h.Angles[0]), num32(h.Angles[1]), num32(h.Angles[2]))},
		{"axes", fmt.Sprintf("columns %s, rows %s, sections %s", axes[0], axes[1], axes[2])},
		{"space group", group},
	}
	s := h.Stats
	if s.Max < s.Min || s.RMS < 0 {
		rows = append(rows, metaRow{"stats", "not computed"})
	} else {
		rows = append(rows, metaRow{"stats", fmt.Sprintf("min %s, max %s, mean %s, rms %s", num32(s.Min), num32(s.Max), num32(s.Mean), num32(s.RMS))})
	}
	if h.ExtSize > 0 || h.ExtType != "" {
		ext := fmt.Sprintf("%d bytes", h.ExtSize)
		if h.ExtType != "" {
			ext += ", type " + h.ExtType
		}
		rows = append(rows, metaRow{"extended header", ext})
	}
	for i, l := range h.Labels {
		key := ""
		if i == 0 {
			key = "labels"
		}
		rows = append(rows, metaRow{key, strconv.Quote(l)})
	}
	return title, rows, nil
}

func niftiMeta(path string) (string, []metaRow, error) {
	h, dataFile, err := nifti.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	title := fmt.Sprintf("NIfTI-%d file", h.Version)
	if h.Pair {
		title = fmt.Sprintf("NIfTI-%d pair, header in %s", h.Version, strings.TrimSuffix(dataFile, filepath.Ext(dataFile))+".hdr")
	}
	zooms := make([]string, 0, 7)
	for _, z := range h.Zooms() {
		zooms = append(zooms, num(z))
	}
	space, tunit := niftiUnits(h.XYZTUnits)
	voxel := strings.Join(zooms, " x ")
	if space != "" {
		voxel += " (" + space
		if tunit != "" {
			voxel += ", time in " + tunit
		}
		voxel += ")"
	}
	scale := "none"
	if !h.Scale.Identity() {
		scale = fmt.Sprintf("scl_slope %s, scl_inter %s (--scaled applies it)", num(h.Scale.Slope), num(h.Scale.Inter))
	}
	rows := []metaRow{
		{"byte order", orderName(h.ByteOrder)},
		{"datatype", strconv.Itoa(h.Datatype)},
		{"voxel size", voxel},
		{"scaling", scale},
		{"qform", fmt.Sprintf("code %d, quatern %s, offset %s", h.QFormCode, nums(h.Quatern[:]), nums(h.QOffset[:]))},
		{"sform", fmt.Sprintf("code %d", h.SFormCode)},
	}
	if h.SFormCode > 0 {
		for _, r := range h.SRow {
			rows = append(rows, metaRow{"", nums(r[:])})
		}
	}
	if h.IntentCode != 0 || h.IntentName != "" {
		rows = append(rows, metaRow{"intent", fmt.Sprintf("code %d %q, parameters %s", h.IntentCode, h.IntentName, nums(h.IntentP[:]))})
	}
	if h.CalMin != 0 || h.CalMax != 0 {
		rows = append(rows, metaRow{"cal range", num(h.CalMin) + " to " + num(h.CalMax)})
	}
	if h.TOff != 0 {
		rows = append(rows, metaRow{"toffset", num(h.TOff)})
	}
	if h.Descrip != "" {
		rows = append(rows, metaRow{"description", strconv.Quote(h.Descrip)})
	}
	if h.AuxFile != "" {
		rows = append(rows, metaRow{"aux file", strconv.Quote(h.AuxFile)})
	}
	for i, e := range h.Extensions {
		key := ""
		if i == 0 {
			key = "extensions"
		}
		rows = append(rows, metaRow{key, fmt.Sprintf("code %d, %d bytes at %d", e.Code, e.Size, e.Offset)})
	}
	return title, rows, nil
}

// niftiUnits names the spatial and temporal units of xyzt_units.
func niftiUnits(u int) (space, tunit string) {
	space = map[int]string{1: "m", 2: "mm", 3: "µm"}[u&7]
	tunit = map[int]string{8: "s", 16: "ms", 24: "µs", 32: "Hz", 40: "ppm", 48: "rad/s"}[u&56]
	return space, tunit
}

func fitsMeta(path string, d header.Describer) (string, []metaRow, error) {
	f, err := fits.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	fd, _ := d.(fits.Describer)
	chosen, err := fd.Choose(f)
	if err != nil {
		return "", nil, err
	}
	title := fmt.Sprintf("FITS file, %d %s; HDU %d (%s) is read", len(f.HDUs), plural(len(f.HDUs), "HDU", "HDUs"), chosen.Index, chosen.ExtName)
	var rows []metaRow
	switch {
	case chosen.Unsigned:
		rows = append(rows, metaRow{"scaling", fmt.Sprintf("BSCALE %s, BZERO %s: unsigned integers stored signed (--scaled gives them)", num(chosen.Scale.Slope), num(chosen.Scale.Inter))})
	case !chosen.Scale.Identity():
		rows = append(rows, metaRow{"scaling", fmt.Sprintf("BSCALE %s, BZERO %s (--scaled applies them)", num(chosen.Scale.Slope), num(chosen.Scale.Inter))})
	}
	if chosen.HasBlank {
		rows = append(rows, metaRow{"blank", strconv.FormatInt(chosen.Blank, 10)})
	}
	for i, c := range chosen.WCS() {
		key := ""
		if i == 0 {
			key = "wcs"
		}
		v := c.Value
		if c.Quoted {
			v = "'" + v + "'"
		}
		rows = append(rows, metaRow{key, fmt.Sprintf("%-8s = %s", c.Key, v)})
	}
	for i, u := range f.HDUs {
		key := ""
		if i == 0 {
			key = "hdus"
		}
		kind := u.XTension
		if kind == "" {
			kind = "primary"
		}
		desc := "no data"
		switch {
		case u.Image:
			desc = fmt.Sprintf("image, BITPIX %d, shape %s", u.BitPix, layout.FormatShape(u.Array.Shape))
		case u.DataSize > 0:
			desc = fmt.Sprintf("%d bytes of data, not an image", u.DataSize)
		}
		mark := ""
		if u == chosen {
			mark = "  <- read"
		}
		rows = append(rows, metaRow{key, fmt.Sprintf("%d %s (%s, EXTVER %d): %s%s", u.Index, u.ExtName, kind, u.ExtVer, desc, mark)})
	}
	return title, rows, nil
}

func wavMeta(path string) (string, []metaRow, error) {
	h, err := wav.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	sub := map[int]string{wav.PCM: "PCM", wav.IEEEFloat: "IEEE float"}[h.SubFormat]
	if sub == "" {
		sub = fmt.Sprintf("format %#x", h.SubFormat)
	}
	if h.FormatTag == wav.Extensible {
		sub += " in WAVE_FORMAT_EXTENSIBLE"
	}
	title := fmt.Sprintf("WAV file (%s), %s", h.Container, sub)
	rows := []metaRow{
		{"channels", strconv.Itoa(h.Channels)},
		{"sample rate", fmt.Sprintf("%d Hz", h.SampleRate)},
		{"bits", fmt.Sprintf("%d per sample, %d valid", h.BitsPerSample, h.ValidBits)},
		{"frames", fmt.Sprintf("%d", h.Frames)},
	}
	if h.SampleRate > 0 {
		rows[3].value += fmt.Sprintf(", %s s", num(float64(h.Frames)/float64(h.SampleRate)))
	}
	if h.ChannelMask != 0 {
		rows = append(rows, metaRow{"channel mask", fmt.Sprintf("%#x", h.ChannelMask)})
	}
	if h.Packed {
		rows = append(rows, metaRow{"packed", "samples of the last axis's bytes, read as signed integers"})
	}
	var ids []string
	for _, c := range h.Chunks {
		ids = append(ids, fmt.Sprintf("%q (%d bytes)", c.ID, c.Size))
	}
	rows = append(rows, metaRow{"chunks", strings.Join(ids, ", ")})
	return title, rows, nil
}

func tiffMeta(path string) (string, []metaRow, error) {
	s, err := tiff.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	kind := "TIFF"
	if s.BigTIFF {
		kind = "BigTIFF"
	}
	title := fmt.Sprintf("%s file, %s series", kind, s.Kind)
	rows := []metaRow{
		{"axes", s.Axes},
		{"pages", strconv.Itoa(s.Pages)},
	}
	if r := s.Resolution; r.X != 0 || r.Y != 0 {
		unit := map[int]string{1: "", 2: " per inch", 3: " per cm"}[r.Unit]
		rows = append(rows, metaRow{"resolution", fmt.Sprintf("%s x %s pixels%s", num(r.X), num(r.Y), unit)})
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range s.ImageJ {
			if !yield(k) {
				return
			}
		}
	})
	for i, k := range keys {
		key := ""
		if i == 0 {
			key = "imagej"
		}
		rows = append(rows, metaRow{key, k + "=" + s.ImageJ[k]})
	}
	if s.Description != "" && s.ImageJ == nil {
		rows = append(rows, metaRow{"description", strconv.Quote(cut(s.Description, 120))})
	}
	return title, rows, nil
}

func enviMeta(path string) (string, []metaRow, error) {
	hdr, err := envi.HeaderFile(path)
	if err != nil {
		return "", nil, err
	}
	h, err := envi.ReadFile(hdr)
	if err != nil {
		return "", nil, err
	}
	title := "ENVI raster, header " + hdr
	rows := []metaRow{
		{"samples", strconv.Itoa(h.Samples)},
		{"lines", strconv.Itoa(h.Lines)},
		{"bands", strconv.Itoa(h.Bands)},
		{"interleave", h.Interleave.String()},
		{"header offset", strconv.FormatInt(h.HeaderOffset, 10)},
	}
	if h.FileType != "" {
		rows = append(rows, metaRow{"file type", h.FileType})
	}
	if h.Description != "" {
		rows = append(rows, metaRow{"description", strconv.Quote(cut(h.Description, 120))})
	}
	if names := h.BandNames(); names != nil {
		rows = append(rows, metaRow{"band names", cut(strings.Join(names, ", "), 200)})
	}
	if wl, err := h.Wavelengths(); err == nil && len(wl) > 0 {
		unit, _ := h.Value("wavelength units")
		rows = append(rows, metaRow{"wavelengths", fmt.Sprintf("%d, %s to %s %s", len(wl), num(slices.Min(wl)), num(slices.Max(wl)), unit)})
	}
	for _, key := range []string{"data gain values", "data offset values", "reflectance scale factor"} {
		if v, ok := h.Value(key); ok {
			rows = append(rows, metaRow{key, cut(v, 200)})
		}
	}
	return title, rows, nil
}

func spikeglxMeta(path string) (string, []metaRow, error) {
	meta, err := spikeglx.MetaFile(path)
	if err != nil {
		return "", nil, err
	}
	m, err := spikeglx.ReadFile(meta)
	if err != nil {
		return "", nil, err
	}
	title := "SpikeGLX recording, meta " + meta
	if m.Stream != "" {
		title = fmt.Sprintf("SpikeGLX %s stream, meta %s", m.Stream, meta)
	}
	rows := []metaRow{
		{"type", m.Type()},
		{"channels", strconv.Itoa(m.SavedChans)},
		{"sample rate", num(m.SampleRate) + " Hz"},
	}
	chans, err := m.Channels()
	if err != nil {
		rows = append(rows, metaRow{"gains", "unknown: " + oneLine(err.Error())})
		return title, rows, nil
	}
	// Channels of one kind and gain come in runs: one line per run.
	for i := 0; i < len(chans); {
		j := i + 1
		for j < len(chans) && chans[j].Kind == chans[i].Kind && chans[j].Gain == chans[i].Gain && chans[j].Volts == chans[i].Volts {
			j++
		}
		names := chans[i].Name
		if j-i > 1 {
			names += "-" + chans[j-1].Name
		}
		desc := fmt.Sprintf("columns %d-%d, %s", i, j-1, names)
		if j-i == 1 {
			desc = fmt.Sprintf("column %d, %s", i, names)
		}
		if chans[i].Kind.Digital() {
			desc += ": digital word"
		} else {
			desc += fmt.Sprintf(": gain %s, %s V per count", num(chans[i].Gain), num(chans[i].Volts))
		}
		key := ""
		if i == 0 {
			key = "gains"
		}
		rows = append(rows, metaRow{key, desc})
		i = j
	}
	return title, rows, nil
}

func orderName(o layout.ByteOrder) string {
	if o == layout.BigEndian {
		return "big-endian"
	}
	return "little-endian"
}

// num writes a number of a header for people: the shortest text that
// reads back as the same float64.
func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func num32(x float32) string { return strconv.FormatFloat(float64(x), 'g', -1, 32) }

func nums(xs []float64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = num(x)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// cut shortens text to about n bytes, on one line.
func cut(s string, n int) string {
	s = oneLine(s)
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// A scaling maps the stored numbers of a file to the values they stand
// for: one header.Scale for every item, or one per index of an axis (the
// channels of a SpikeGLX recording, the bands of an ENVI image).
type scaling struct {
	axis   int // -1: scales[0] applies to every item
	scales []header.Scale
	text   string // what the scaling is, for the first line of show and stats
}

// errNoScale says that --scaled was asked of a file that stores no
// scaling.
var errNoScale = errors.New("stores no scaling; --scaled applies to FITS (BSCALE, BZERO), NIfTI (scl_slope, scl_inter), SpikeGLX (gains to volts) and ENVI (data gain and offset values) files")

// formatScaling returns the scaling of the file at path (its HDU member,
// for FITS), for an array of the given shape.
func formatScaling(path, member string, shape []int) (scaling, error) {
	d, f, err := formatDescriber(path, member)
	if err != nil {
		return scaling{}, err
	}
	one := func(s header.Scale, text string) (scaling, error) {
		return scaling{axis: -1, scales: []header.Scale{s}, text: text}, nil
	}
	switch f.Name {
	case "fits":
		file, err := fits.ReadFile(path)
		if err != nil {
			return scaling{}, err
		}
		u, err := d.(fits.Describer).Choose(file)
		if err != nil {
			return scaling{}, withPath(path, err)
		}
		return one(u.Scale, fmt.Sprintf("scaled by BSCALE %s, BZERO %s", num(u.Scale.Slope), num(u.Scale.Inter)))
	case "nifti":
		h, _, err := nifti.ReadFile(path)
		if err != nil {
			return scaling{}, err
		}
		return one(h.Scale, fmt.Sprintf("scaled by scl_slope %s, scl_inter %s", num(h.Scale.Slope), num(h.Scale.Inter)))
	case "spikeglx":
		meta, err := spikeglx.MetaFile(path)
		if err != nil {
			return scaling{}, err
		}
		m, err := spikeglx.ReadFile(meta)
		if err != nil {
			return scaling{}, err
		}
		volts, err := m.VoltsPerCount()
		if err != nil {
			return scaling{}, fmt.Errorf("%s: %w", path, err)
		}
		s := scaling{axis: 1, text: "in volts, each channel by its gain"}
		for _, v := range volts {
			s.scales = append(s.scales, header.Scale{Slope: v})
		}
		return s, nil
	case "envi":
		return enviScaling(path, shape)
	}
	return scaling{}, fmt.Errorf("%s: the %s format %w", path, f.Name, errNoScale)
}

// enviScaling returns the per-band gains and offsets of an ENVI image,
// or the reflectance scale factor that its values are divided by.
func enviScaling(path string, shape []int) (scaling, error) {
	hdr, err := envi.HeaderFile(path)
	if err != nil {
		return scaling{}, err
	}
	h, err := envi.ReadFile(hdr)
	if err != nil {
		return scaling{}, err
	}
	gains, err := h.Floats("data gain values")
	if err != nil {
		return scaling{}, err
	}
	offsets, err := h.Floats("data offset values")
	if err != nil {
		return scaling{}, err
	}
	if gains == nil && offsets == nil {
		rsf, err := h.Floats("reflectance scale factor")
		if err != nil {
			return scaling{}, err
		}
		if len(rsf) != 1 || rsf[0] == 0 || math.IsInf(rsf[0], 0) || math.IsNaN(rsf[0]) {
			return scaling{}, fmt.Errorf("%s: the header %s %w", path, hdr, errNoScale)
		}
		return scaling{axis: -1, scales: []header.Scale{{Slope: 1 / rsf[0]}}, text: "divided by the reflectance scale factor " + num(rsf[0])}, nil
	}
	if h.FileType == envi.SpectralLibrary || len(shape) != 3 {
		return scaling{}, fmt.Errorf("%s: gains and offsets per band need an image of bands, not %s", path, layout.FormatShape(shape))
	}
	axis := map[envi.Interleave]int{envi.BSQ: 0, envi.BIL: 1, envi.BIP: 2}[h.Interleave]
	bands := shape[axis]
	for _, list := range [][]float64{gains, offsets} {
		if list != nil && len(list) != bands {
			return scaling{}, fmt.Errorf("%s: the header %s lists %d gains or offsets for %d bands", path, hdr, len(list), bands)
		}
	}
	s := scaling{axis: axis, text: "by each band's data gain and offset values"}
	for b := range bands {
		sc := header.Scale{Slope: 1}
		if gains != nil {
			sc.Slope = gains[b]
		}
		if offsets != nil {
			sc.Inter = offsets[b]
		}
		s.scales = append(s.scales, sc)
	}
	return s, nil
}

// isRawName reports whether convert writes a file of this name as bare
// data bytes.
func isRawName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".raw", ".bin", ".dat":
		return true
	}
	return false
}

// rawFlagsText returns the raw flags that read back a file of the bare
// data bytes of an array h describes, quoted for a POSIX shell.
func rawFlagsText(h header.Header) string {
	descr := descrText(h.DType)
	quote := "'" + descr + "'"
	if strings.Contains(descr, "'") {
		quote = `"` + descr + `"`
	}
	shape := make([]string, len(h.Shape))
	for i, d := range h.Shape {
		shape[i] = strconv.Itoa(d)
	}
	s := "--dtype " + quote + " --shape " + strings.Join(shape, ",")
	if len(h.Shape) == 0 {
		s = "--dtype " + quote + " --shape '()'"
	}
	if h.FortranOrder {
		s += " --fortran"
	}
	return s
}
