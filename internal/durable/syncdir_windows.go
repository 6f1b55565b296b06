package durable

// SyncDir does nothing on Windows, which cannot open a directory to sync
// it: a rename there (MoveFileEx with MOVEFILE_REPLACE_EXISTING) is as
// durable as it gets.
func SyncDir(string) error { return nil }
