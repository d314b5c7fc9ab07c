package main

import (
	"bufio"
	"fmt"
	"io"

	"github.com/ndmap/ndmap/dataset"
)

func runRefs(args []string, stdout *bufio.Writer, _ io.Writer) error {
	fs := newFlagSet("refs", "[--chunk-rows N] [raw flags] FILE|FOLDER|PATTERN")
	chunkRows := fs.Int("chunk-rows", 0, "positions of the first axis in each chunk (0: chunks of about 16 MiB; for a shard set it must divide the length of every file but the last)")
	var raw rawFlags
	raw.register(fs)
	pos, err := parseFlags(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("refs takes one FILE, FOLDER or PATTERN, not %d", len(pos))
	}
	if *chunkRows < 0 {
		return usagef("--chunk-rows must be at least 1, or 0 for the default, not %d", *chunkRows)
	}
	name := pos[0]
	opts := dataset.RefOptions{ChunkRows: *chunkRows}
	switch datasetKind(name) {
	case dsZarr, dsGroup:
		return fmt.Errorf("%s: already a Zarr store, which zarr and Dask open as it is: dask.array.from_zarr(%q)", name, name)
	case dsSet:
		set, err := openSet(name, &raw)
		if err != nil {
			return err
		}
		defer set.Close()
		if n := *chunkRows; n > 0 {
			for k := range set.NumShards() - 1 {
				if lo, hi := set.ShardRange(k); (hi-lo)%n != 0 {
					return fmt.Errorf("%s: --chunk-rows %d does not divide the %d rows of %s, and a chunk cannot span two files", name, n, hi-lo, set.ShardPath(k))
				}
			}
		}
		return dataset.WriteSetRefs(stdout, set, opts)
	}
	path, member := name, ""
	if !raw.set() {
		path, member = splitMember(name)
	}
	d, err := fileDescriber(path, member, &raw)
	if err != nil {
		return err
	}
	opts.Describer = d
	return dataset.WriteRefs(stdout, path, opts)
}
