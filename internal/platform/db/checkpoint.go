package db

import (
	"context"
	"database/sql"
	"time"
)

// SQLite appends each commit to the write-ahead log; a checkpoint copies
// the log back into the database file so that the log can start over.
// Left to SQLite, the commit that takes the log past its threshold runs
// the checkpoint itself, on the one write connection: every writer waits
// behind it (a tenth of an import's time). A checkpointer does it instead,
// on a connection of its own, beside the writer: a passive checkpoint
// never waits for the writer nor holds it up.

// checkpointEvery is how often the checkpointer looks for new commits.
const checkpointEvery = 100 * time.Millisecond

// writerCheckpointPages is the writer's own threshold (pages of the log,
// 16 MiB), four times SQLite's default and above what an import writes
// between the checkpointer's turns: a backstop should the checkpointer
// fall behind. (Five times higher again bought imports nothing more, and
// the larger log it allows is left for readers to look through.)
const writerCheckpointPages = 4000

// walSizeLimit is what the log file is cut back to when it starts over
// (the demo load, say, leaves it long).
const walSizeLimit = 64 << 20

// checkpointer runs passive checkpoints on conn until stop is closed; it
// closes conn and done when it ends.
type checkpointer struct {
	conn *sql.DB
	stop chan struct{}
	done chan struct{}
}

func startCheckpointer(conn *sql.DB) *checkpointer {
	c := &checkpointer{conn: conn, stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

func (c *checkpointer) run() {
	defer close(c.done)
	defer c.conn.Close()
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	last := int64(-1)
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		// data_version changes when another connection commits: an idle
		// database costs one tiny read per turn, not a checkpoint.
		var v int64
		if err := c.conn.QueryRowContext(context.Background(), "PRAGMA data_version").Scan(&v); err != nil || v == last {
			continue
		}
		if _, err := c.conn.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)"); err == nil {
			last = v
		}
	}
}

// close stops the checkpointer and waits for it to end.
func (c *checkpointer) close() {
	close(c.stop)
	<-c.done
}
