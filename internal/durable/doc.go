// Package durable makes changes to the file system durable: SyncDir
// makes the creations, renames and removals in a directory survive a
// crash, once the files themselves are synced (os.File.Sync). The store,
// the sightings log and the access control file each write a file and
// then sync its directory with it.
//
// SyncDir holds no state and may be called from any goroutine.
package durable
