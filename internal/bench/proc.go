package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// ChildEnv is the environment for rudder child processes: ours without any
// RUDDER_* variable, so only the flags the harness passes take effect.
func ChildEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "RUDDER_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// RunCommand runs a command to completion, its output appended to logPath.
func RunCommand(ctx context.Context, logPath string, name string, args ...string) error {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	fmt.Fprintf(logf, "\n$ %s %s\n", name, strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = ChildEnv()
	cmd.Stdout = logf
	cmd.Stderr = logf
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w (log: %s)%s", name, strings.Join(args, " "), err, logPath, tailFile(logPath, 15))
	}
	return nil
}

// Server is a running `rudder serve` child process.
type Server struct {
	cmd     *exec.Cmd
	BaseURL string
	LogPath string
	Started time.Time // just before exec
	done    chan struct{}
	waitErr error
}

// StartServer execs the binary with args (the caller includes --addr); its
// output is appended to logPath.
func StartServer(bin string, args []string, baseURL, logPath string) (*Server, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(logf, "\n$ %s %s\n", bin, strings.Join(args, " "))
	cmd := exec.Command(bin, args...)
	cmd.Env = ChildEnv()
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	s := &Server{cmd: cmd, BaseURL: baseURL, LogPath: logPath, done: make(chan struct{})}
	s.Started = time.Now()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	go func() {
		s.waitErr = cmd.Wait()
		logf.Close()
		close(s.done)
	}()
	return s, nil
}

// PID of the child.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// WaitReady polls GET /readyz every 2 ms until it answers 200 and
// returns the time from exec to that answer.
func (s *Server) WaitReady(timeout time.Duration) (time.Duration, error) {
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-s.done:
			return 0, fmt.Errorf("server exited before ready: %v%s", s.waitErr, tailFile(s.LogPath, 20))
		default:
		}
		resp, err := client.Get(s.BaseURL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(s.Started), nil
			}
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("server not ready after %s (last: %v)%s", timeout, errOrStatus(resp, err), tailFile(s.LogPath, 20))
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func errOrStatus(resp *http.Response, err error) string {
	if err != nil {
		return err.Error()
	}
	return resp.Status
}

// Stop sends SIGTERM and waits up to grace for the exit, then kills.
func (s *Server) Stop(grace time.Duration) error {
	select {
	case <-s.done:
		return nil
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		return nil
	case <-time.After(grace):
		_ = s.cmd.Process.Kill()
		<-s.done
		return fmt.Errorf("server did not stop within %s of SIGTERM; killed", grace)
	}
}

// RSS reads VmRSS of a process from /proc, in bytes.
func RSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return parseVmRSS(b)
}

func parseVmRSS(status []byte) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "VmRSS:") {
			continue
		}
		f := strings.Fields(strings.TrimPrefix(line, "VmRSS:"))
		if len(f) < 1 {
			break
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, err
		}
		return kb * 1024, nil
	}
	return 0, errors.New("VmRSS not found")
}

// tailFile returns the last n lines of a file, prefixed for error messages.
func tailFile(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil || len(b) == 0 {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "\n--- last lines of " + path + " ---\n" + strings.Join(lines, "\n")
}
