// Package migrations embeds the SQL schema migrations for both dialects. Each
// version number exists in both folders; a test proves the resulting schemas match.
package migrations

import "embed"

//go:embed sqlite/*.sql postgres/*.sql
var FS embed.FS
