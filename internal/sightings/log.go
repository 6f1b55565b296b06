package sightings

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/picket-ais/picket/internal/durable"
)

// File is the desk's file in the data directory: one JSON record a line,
// a delivery each.
const File = "sightings.jsonl"

// maxRecord bounds one record's line when reading (a delivery of some
// hundred thousand detections).
const maxRecord = 512 << 20

// logFile is sightings.jsonl open for appending.
type logFile struct {
	f   *os.File
	end int64 // offset after the last whole record
}

// openLog reads the records of dir's file, handing each to apply, cuts a
// torn last line off, and opens the file for appending. A damaged line
// before the last is skipped and logged: what follows it is kept.
func openLog(dir string, apply func(*record), log *slog.Logger) (*logFile, error) {
	path := filepath.Join(dir, File)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sightings: %w", err)
	}
	if err := durable.SyncDir(dir); err != nil {
		f.Close()
		return nil, fmt.Errorf("sightings: %w", err)
	}
	br := bufio.NewReaderSize(f, 1<<20)
	var good int64 // offset after the last whole line
	line := 0
	for {
		b, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			if len(b) > 0 {
				log.Warn("sightings: a torn last record cut off (the machine stopped while it was written; it was not acknowledged)",
					"file", path, "line", line+1, "bytes", len(b))
			}
			break
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("sightings: %s: %w", path, err)
		}
		line++
		good += int64(len(b))
		if len(b) > maxRecord {
			log.Error("sightings: a record over the size bound skipped", "file", path, "line", line)
			continue
		}
		var r record
		if err := json.Unmarshal(bytes.TrimSpace(b), &r); err != nil {
			log.Error("sightings: a damaged record skipped", "file", path, "line", line, "err", err)
			continue
		}
		apply(&r)
	}
	if err := f.Truncate(good); err != nil {
		f.Close()
		return nil, fmt.Errorf("sightings: %w", err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("sightings: %w", err)
	}
	return &logFile{f: f, end: good}, nil
}

// append writes one record and syncs it: once it returns, the record
// survives a crash of the machine.
func (l *logFile) append(r *record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("sightings: %w", err)
	}
	b = append(b, '\n')
	_, err = l.f.Write(b)
	if err == nil {
		err = l.f.Sync()
	}
	if err != nil {
		// Nothing of a record not acknowledged stays to be glued to the
		// next one.
		l.f.Truncate(l.end)
		l.f.Seek(l.end, io.SeekStart)
		return fmt.Errorf("sightings: %w", err)
	}
	l.end += int64(len(b))
	return nil
}

func (l *logFile) close() error { return l.f.Close() }
