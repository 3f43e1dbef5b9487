package bench

import (
	"bufio"
	"bytes"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Machine describes where the benchmark ran.
type Machine struct {
	CPU       string
	Cores     int
	MemTotal  int64 // bytes
	GoVersion string
	OS        string // e.g. "linux/amd64, Debian GNU/Linux 12 (bookworm), kernel 6.1.0"
}

// LoadAverage returns the 1-minute load average from /proc/loadavg (-1 if unknown).
func LoadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	return parseLoadAvg(b)
}

func parseLoadAvg(b []byte) float64 {
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}

// CPUBusy samples /proc/stat over d and returns the share of CPU time (all
// cores) that was not idle, 0..1, or -1 if unknown. Taken before a run, it
// shows whether other work was competing for the machine.
func CPUBusy(d time.Duration) float64 {
	b1, err := os.ReadFile("/proc/stat")
	if err != nil {
		return -1
	}
	time.Sleep(d)
	b2, err := os.ReadFile("/proc/stat")
	if err != nil {
		return -1
	}
	busy1, total1, ok1 := parseCPUStat(b1)
	busy2, total2, ok2 := parseCPUStat(b2)
	if !ok1 || !ok2 || total2 <= total1 {
		return -1
	}
	return float64(busy2-busy1) / float64(total2-total1)
}

// parseCPUStat reads the aggregate "cpu" line: busy = total - idle - iowait.
func parseCPUStat(b []byte) (busy, total uint64, ok bool) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 5 || f[0] != "cpu" {
			continue
		}
		var idle uint64
		for i, v := range f[1:] {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				return 0, 0, false
			}
			if i >= 8 { // guest and guest_nice are already in user and nice
				break
			}
			total += n
			if i == 3 || i == 4 { // idle, iowait
				idle += n
			}
		}
		return total - idle, total, true
	}
	return 0, 0, false
}

// DescribeMachine reads /proc and /etc/os-release; missing facts stay empty.
func DescribeMachine() Machine {
	m := Machine{Cores: runtime.NumCPU(), GoVersion: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPU = parseCPUModel(b)
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		m.MemTotal = parseMemTotal(b)
	}
	osDesc := runtime.GOOS + "/" + runtime.GOARCH
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		if name := parseOSRelease(b); name != "" {
			osDesc += ", " + name
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		osDesc += ", kernel " + strings.TrimSpace(string(b))
	}
	m.OS = osDesc
	return m
}

func parseCPUModel(cpuinfo []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(cpuinfo))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		k = strings.TrimSpace(k)
		if k == "model name" || k == "Model" || k == "cpu model" {
			return strings.Join(strings.Fields(v), " ")
		}
	}
	return ""
}

func parseMemTotal(meminfo []byte) int64 {
	sc := bufio.NewScanner(bytes.NewReader(meminfo))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "MemTotal:") {
			continue
		}
		f := strings.Fields(strings.TrimPrefix(line, "MemTotal:"))
		if len(f) == 0 {
			return 0
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0
		}
		return kb * 1024
	}
	return 0
}

func parseOSRelease(b []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "PRETTY_NAME="); ok {
			return strings.Trim(v, `"'`)
		}
	}
	return ""
}
