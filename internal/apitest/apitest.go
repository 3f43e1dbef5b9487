// Package apitest boots the whole Rudder server on a loopback port over a
// fresh database and talks HTTP to it, as a client would.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rudder-crm/rudder/internal/api"
	"github.com/rudder-crm/rudder/internal/demo"
	"github.com/rudder-crm/rudder/internal/platform/db"
)

// Env is one running server.
type Env struct {
	T      testing.TB
	DB     *db.DB
	Server *api.Server
	URL    string
}

// Start serves a fresh server over d with the demo tenant loaded, demo mode
// and sign-up on.
func Start(t testing.TB, d *db.DB) *Env {
	t.Helper()
	return StartWith(t, d, api.Options{Demo: true, Signup: true})
}

// StartWith serves a server with the given options over d with the demo tenant loaded.
func StartWith(t testing.TB, d *db.DB, o api.Options) *Env {
	t.Helper()
	if _, err := demo.Ensure(context.Background(), d); err != nil {
		t.Fatalf("demo: %v", err)
	}
	o.Version = "test"
	if o.DataDir == "" {
		o.DataDir = t.TempDir()
	}
	o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := api.New(d, o)
	ts := httptest.NewServer(srv.Handler)
	t.Cleanup(ts.Close)
	return &Env{T: t, DB: d, Server: srv, URL: ts.URL}
}

// Client calls the API with one credential (none for anonymous).
type Client struct {
	env   *Env
	Token string
}

// Anon is a client without credentials.
func (e *Env) Anon() *Client { return &Client{env: e} }

// Login signs in and returns a client using the session token as bearer.
func (e *Env) Login(email, password string) *Client {
	e.T.Helper()
	r := e.Anon().Do("POST", "/api/v1/sessions", map[string]string{"email": email, "password": password})
	r.Want(http.StatusCreated)
	var out struct{ Token string }
	r.JSON(&out)
	return &Client{env: e, Token: out.Token}
}

// Demo signs in as a demo user.
func (e *Env) Demo(email string) *Client { return e.Login(email, demo.Password) }

// Resp is an answer.
type Resp struct {
	T      testing.TB
	Status int
	Header http.Header
	Body   []byte
	what   string
}

// Do sends a request; body is JSON-encoded unless it is a string or []byte.
// Extra headers come in name, value pairs.
func (c *Client) Do(method, path string, body any, headers ...string) *Resp {
	c.env.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.env.T.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, c.env.URL+path, rd)
	if err != nil {
		c.env.T.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.env.T.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return &Resp{T: c.env.T, Status: res.StatusCode, Header: res.Header, Body: data, what: method + " " + path}
}

// Want fails the test unless the status is one of want.
func (r *Resp) Want(want ...int) *Resp {
	r.T.Helper()
	for _, w := range want {
		if r.Status == w {
			return r
		}
	}
	r.T.Fatalf("%s: status %d, want %v; body: %s", r.what, r.Status, want, r.Body)
	return r
}

// JSON decodes the body into v.
func (r *Resp) JSON(v any) {
	r.T.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		r.T.Fatalf("%s: decode %s: %v", r.what, r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r *Resp) Map() map[string]any {
	r.T.Helper()
	var m map[string]any
	r.JSON(&m)
	return m
}

// Problem is an application/problem+json answer.
type Problem struct {
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Message  string `json:"message"`
		Location string `json:"location"`
	} `json:"errors"`
}

// Problem decodes a problem answer and checks its content type.
func (r *Resp) Problem() Problem {
	r.T.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		r.T.Fatalf("%s: content type %q, want application/problem+json; body %s", r.what, ct, r.Body)
	}
	var p Problem
	r.JSON(&p)
	return p
}

// Names reports whether the problem names location among its errors.
func (p Problem) Names(location string) bool {
	for _, e := range p.Errors {
		if e.Location == location {
			return true
		}
	}
	return false
}
