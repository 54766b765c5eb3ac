package storage_test

func cleanupBench() {}
