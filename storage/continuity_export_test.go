package storage

// SetCrashHook lets tests stop a backup or restore at a named point.
func SetCrashHook(fn func(point string)) { crashHook = fn }
