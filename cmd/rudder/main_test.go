package main_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/rudder-crm/rudder/migrations"
)

var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rudder-bin")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "rudder")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func run(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "RUDDER_DATABASE_URL=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("rudder %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestCommands(t *testing.T) {
	data := t.TempDir()
	if out := run(t, "version"); !strings.HasPrefix(out, "rudder ") {
		t.Fatalf("version: %q", out)
	}
	// Every migration of the dialect runs once, however many there are.
	files, err := fs.Glob(migrations.FS, "sqlite/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("embedded migrations: %v %v", files, err)
	}
	if out := run(t, "migrate", "--data-dir", data); !strings.Contains(out, fmt.Sprintf("applied %d migrations", len(files))) {
		t.Fatalf("migrate: %q", out)
	}
	if out := run(t, "migrate", "--data-dir", data); !strings.Contains(out, "applied 0 migrations") {
		t.Fatalf("second migrate: %q", out)
	}
	if out := run(t, "demo", "--data-dir", data); !strings.Contains(out, "demo tenant loaded") {
		t.Fatalf("demo: %q", out)
	}
	if out := run(t, "demo", "--data-dir", data); !strings.Contains(out, "already present") {
		t.Fatalf("demo again: %q", out)
	}
	run(t, "admin", "create-user", "--data-dir", data, "--email", "ops@demo.local", "--name", "运维", "--password", "ops password 42", "--role", "viewer")
	out, err := exec.Command(bin, "admin", "create-user", "--data-dir", data, "--email", "x@demo.local", "--name", "x", "--password", "short").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "password") {
		t.Fatalf("weak password accepted: %v %s", err, out)
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	run(t, "backup", "--data-dir", data, "--out", backup)
	if _, err := exec.Command(bin, "backup", "--data-dir", data, "--out", backup).CombinedOutput(); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	copyDB, err := sql.Open("sqlite", "file:"+backup+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	var n int
	if err := copyDB.QueryRow("SELECT COUNT(*) FROM users").Scan(&n); err != nil || n != 20 {
		t.Fatalf("backup holds %d users (%v), want 20", n, err)
	}
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestServeAndGracefulShutdown starts the server, loads it with sign-ins,
// sends SIGTERM, and checks every answer that arrived was whole and the
// process exited cleanly.
func TestServeAndGracefulShutdown(t *testing.T) {
	data, addr := t.TempDir(), freeAddr(t)
	cmd := exec.Command(bin, "serve", "--demo", "--data-dir", data, "--addr", addr)
	cmd.Env = append(os.Environ(), "RUDDER_DATABASE_URL=")
	stdout, _ := cmd.StdoutPipe()
	var logs strings.Builder
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	banner := make(chan string, 1)
	go func() {
		var b strings.Builder
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			b.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), "south2.rep3") {
				banner <- b.String()
			}
		}
	}()
	select {
	case b := <-banner:
		if !strings.Contains(b, "http://localhost:") || !strings.Contains(b, "rudder-demo") || !strings.Contains(b, "admin@demo.local") {
			t.Fatalf("banner: %s", b)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("no banner; logs: %s", logs.String())
	}
	base := "http://" + addr
	if r, err := http.Get(base + "/readyz"); err != nil || r.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", r, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var mu sync.Mutex
	answered := 0
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				r, err := http.Post(base+"/api/v1/sessions", "application/json",
					strings.NewReader(`{"email":"director@demo.local","password":"rudder-demo"}`))
				if err != nil {
					return // refused after shutdown began: fine
				}
				var body struct{ Token string }
				derr := json.NewDecoder(r.Body).Decode(&body)
				r.Body.Close()
				if r.StatusCode != 201 || derr != nil || body.Token == "" {
					t.Errorf("answer during shutdown: %d %v", r.StatusCode, derr)
					return
				}
				mu.Lock()
				answered++
				mu.Unlock()
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	cancel()
	wg.Wait()
	if err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, logs.String())
	}
	if answered == 0 || !strings.Contains(logs.String(), "shutting down") {
		t.Fatalf("answered %d; logs: %s", answered, logs.String())
	}
	// Logs are JSON with a request id per request.
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if m["msg"] == "request" && m["request_id"] == "" {
			t.Fatalf("request log without id: %q", line)
		}
	}
}
