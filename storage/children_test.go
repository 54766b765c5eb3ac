package storage_test

func runChild(mode string) error { return nil }
