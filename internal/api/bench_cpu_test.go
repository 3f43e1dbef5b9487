package api_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuUse is CPU time used: by this process, and by the PostgreSQL server's
// processes on this host (zero where /proc does not show them).
type cpuUse struct{ self, postgres time.Duration }

func cpuNow() cpuUse {
	var r syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r)
	return cpuUse{self: time.Duration(r.Utime.Nano() + r.Stime.Nano()), postgres: postgresCPU()}
}

func (c cpuUse) since(from cpuUse) cpuUse {
	return cpuUse{self: c.self - from.self, postgres: c.postgres - from.postgres}
}

func (c cpuUse) add(o cpuUse) cpuUse {
	return cpuUse{self: c.self + o.self, postgres: c.postgres + o.postgres}
}

// postgresCPU sums user and system time of the processes named postgres,
// from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 1/100 s).
func postgresCPU() time.Duration {
	var ticks int64
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil || !strings.Contains(string(b), "(postgres)") {
			continue
		}
		f := strings.Fields(string(b)[strings.LastIndexByte(string(b), ')')+2:])
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + s
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}
