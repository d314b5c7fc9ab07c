// Package spikeglx describes SpikeGLX recordings: a .bin file of
// interleaved little-endian int16 samples, and a .meta text file beside it
// that says how many channels each time point holds and how to turn the
// numbers into volts. SpikeGLX writes one such pair per stream: each
// Neuropixels probe's AP and LF bands (run_g0_t0.imec0.ap.bin,
// run_g0_t0.imec0.lf.bin) and the NI-DAQ inputs (run_g0_t0.nidq.bin).
//
// # Reading
//
// [Read] and [ReadFile] parse a .meta file into a [Meta]. A *Meta is the
// [header.Describer] of its .bin: the array is (samples, nSavedChans) in C
// order from byte 0, as neo's SpikeGLXRawIO and SpikeGLX's own readers
// present it, with samples from fileSizeBytes (or the .bin's size when
// the meta has none). One row is one time point, so a channel is a
// strided column and a time window is a contiguous block of rows.
//
// [Meta.Channels] decodes what each column is: its name from ~snsChanMap
// (neo's channel name; neo's id is the stream name, "#", and the name),
// its acquired index from snsSaveChanSubset, its kind (AP, LF, SY for
// probes; MN, MA, XA, XD for NI-DAQ), its amplifier gain, and the factor
// that turns a stored value into volts:
//
//	imec: imAiRangeMax / imMaxInt / gain, the gain from the imro table
//	      entry of the electrode (AP field 3, LF field 4) for Neuropixels
//	      1.0 style probes, imChan0apGain and imChan0lfGain where the
//	      meta has them, 80 for the 2.0 prototypes (types 21 and 24)
//	nidq: niAiRangeMax / niMaxInt / gain, the gain niMNGain for MN
//	      channels, niMAGain for MA channels and 1 for XA channels
//
// Digital words (SY, XD) are given the factor 1, leaving their bits as
// numbers. The factors are not applied to the array, which stays the
// file's int16 values, mapped in place.
//
// Importing the package registers the format "spikeglx" with
// [header.RegisterFormat]: a .bin file is claimed when a .meta of the same
// name lies beside it ([MetaFile]), and a .meta opened by itself gets an
// error naming its .bin.
//
// # What is refused
//
// A meta file without a positive nSavedChans, with a fileSizeBytes larger
// than the .bin, or with a sample rate that is not a positive number, is
// refused by [Read] or [Meta.Describe]. [Meta.Channels] refuses gains it
// cannot find with an error wrapping [ErrUnsupported] (OneBox streams, and
// probe types without a per-channel imro table or imChan0apGain), and
// malformed channel fields with a [*header.FormatError]; the array can
// still be mapped.
//
// This package does not write SpikeGLX files: they are recorded by
// SpikeGLX, and a .bin with its .meta is read as it is.
//
// # Errors and security
//
// Errors in the meta file are [*header.FormatError]s whose offset is the
// byte in the .meta where the faulty value starts (the end of the file
// for a missing field). The meta file is untrusted: it is read only up to
// [MaxMetaSize] bytes, nSavedChans is bounded, channel ranges are checked
// against nSavedChans before they are expanded, and the array's size is
// compared with the .bin's before it is mapped.
//
// # Concurrency
//
// A *Meta may be used by several goroutines at once once it is read. The
// functions are safe to call concurrently.
package spikeglx
