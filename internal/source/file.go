package source

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
)

// File is an opened input: its name for messages and its decompressed
// bytes.
type File struct {
	Name string
	io.Reader
	closers []io.Closer
}

// Close closes the file and any decompressor over it.
func (f *File) Close() error {
	var err error
	for i := len(f.closers) - 1; i >= 0; i-- {
		if e := f.closers[i].Close(); e != nil && err == nil {
			err = e
		}
	}
	return err
}

// Open opens path for reading, or standard input for "-". Gzip input is
// recognised by its magic bytes and decompressed.
func Open(path string) (*File, error) {
	var rc io.ReadCloser
	name := path
	if path == "-" {
		rc = io.NopCloser(os.Stdin)
		name = "stdin"
	} else {
		fh, err := os.Open(path)
		if err != nil {
			return nil, err // *PathError already names the path
		}
		if st, err := fh.Stat(); err == nil && st.IsDir() {
			fh.Close()
			return nil, fmt.Errorf("source: %s: is a directory", path)
		}
		rc = fh
	}
	br := bufio.NewReaderSize(rc, 256<<10)
	f := &File{Name: name, Reader: br, closers: []io.Closer{rc}}
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		rc.Close()
		return nil, fmt.Errorf("source: %s: %w", name, err)
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			rc.Close()
			return nil, fmt.Errorf("source: %s: bad gzip header: %w", name, err)
		}
		zr.Multistream(true)
		f.Reader = bufio.NewReaderSize(zr, 256<<10)
		f.closers = append(f.closers, zr)
	}
	return f, nil
}
