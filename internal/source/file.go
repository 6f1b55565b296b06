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
	// Size is the size of the file on disk (compressed, if it is), 0 when
	// unknown (standard input).
	Size    int64
	raw     *countingReader
	closers []io.Closer
}

// Consumed is how many bytes of the file on disk have been read so far,
// for progress against Size.
func (f *File) Consumed() int64 {
	if f.raw == nil {
		return 0
	}
	return f.raw.n
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
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
	var size int64
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
		} else if err == nil {
			size = st.Size()
		}
		rc = fh
	}
	cr := &countingReader{r: rc}
	br := bufio.NewReaderSize(cr, 256<<10)
	f := &File{Name: name, Reader: br, Size: size, raw: cr, closers: []io.Closer{rc}}
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
