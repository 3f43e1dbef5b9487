package db

import (
	"context"
	"errors"
	"strings"

	"github.com/uptrace/bun"
)

// ErrTreeCycle refuses moving a tree node under itself or its descendants.
var ErrTreeCycle = errors.New("a node cannot move under itself or its own descendants")

// TreePath is the materialized path of node id under a parent's path ("" for
// the top): "/root/…/id/". Paths are made of ids, which hold no LIKE wildcards.
func TreePath(parentPath, id string) string {
	if parentPath == "" {
		return "/" + id + "/"
	}
	return parentPath + id + "/"
}

// MoveSubtree moves the node at oldPath of a tenant's tree table (columns
// tenant_id, id, path) under parentPath ("" for the top) and rewrites the
// paths of every node below it, keeping their relative paths. It returns the
// node's new path; the caller writes the node itself.
func MoveSubtree(ctx context.Context, tx bun.IDB, table, tenantID, id, oldPath, parentPath string) (string, error) {
	if parentPath != "" && strings.HasPrefix(parentPath, oldPath) {
		return "", ErrTreeCycle
	}
	newPath := TreePath(parentPath, id)
	if newPath == oldPath {
		return newPath, nil
	}
	_, err := tx.NewUpdate().Table(table).
		Set("path = ? || SUBSTR(path, ?)", newPath, len(oldPath)+1).
		Where("tenant_id = ? AND path LIKE ? AND id <> ?", tenantID, oldPath+"%", id).Exec(ctx)
	return newPath, err
}
