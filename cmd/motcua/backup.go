package main

import "context"

// backupPolicyLine describes the backup policy and the last backup for the
// printed plan.
func (c *cli) backupPolicyLine(ctx context.Context) string {
	return ""
}
