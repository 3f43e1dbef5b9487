// Package config reads the server's settings from RUDDER_* environment
// variables, then lets command-line flags override them.
package config

import (
	"flag"
	"fmt"
	"strings"

	"github.com/caarlos0/env/v11"
)

// Config is every setting of the rudder binary.
type Config struct {
	Addr         string `env:"ADDR" envDefault:"127.0.0.1:8080"`
	DataDir      string `env:"DATA_DIR" envDefault:"./data"`
	DatabaseURL  string `env:"DATABASE_URL"`
	Demo         bool   `env:"DEMO"`
	Signup       string `env:"SIGNUP" envDefault:"on"`
	CookieSecure bool   `env:"COOKIE_SECURE"`
	TrustProxy   bool   `env:"TRUST_PROXY"`
	LogLevel     string `env:"LOG_LEVEL" envDefault:"info"`
}

// FromEnv reads the environment.
func FromEnv() (Config, error) {
	var c Config
	err := env.ParseWithOptions(&c, env.Options{Prefix: "RUDDER_"})
	return c, err
}

// DatabaseFlags binds the flags every database-using command shares.
func (c *Config) DatabaseFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "directory of the embedded SQLite database and files (RUDDER_DATA_DIR)")
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "postgres://… URL; empty uses SQLite in the data dir (RUDDER_DATABASE_URL)")
}

// ServeFlags binds the serve command's flags.
func (c *Config) ServeFlags(fs *flag.FlagSet) {
	c.DatabaseFlags(fs)
	fs.StringVar(&c.Addr, "addr", c.Addr, "address to listen on (RUDDER_ADDR)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "load the demo tenant if absent and show its logins (RUDDER_DEMO)")
	fs.StringVar(&c.Signup, "signup", c.Signup, "on or off: allow POST /api/v1/signup (RUDDER_SIGNUP)")
	fs.BoolVar(&c.CookieSecure, "cookie-secure", c.CookieSecure, "mark the session cookie Secure, for HTTPS (RUDDER_COOKIE_SECURE)")
	fs.BoolVar(&c.TrustProxy, "trust-proxy", c.TrustProxy, "believe X-Forwarded-For from a reverse proxy (RUDDER_TRUST_PROXY)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (RUDDER_LOG_LEVEL)")
}

// SignupOn reports whether sign-up is allowed.
func (c *Config) SignupOn() (bool, error) {
	switch strings.ToLower(c.Signup) {
	case "on", "true", "1", "yes":
		return true, nil
	case "off", "false", "0", "no":
		return false, nil
	}
	return false, fmt.Errorf("signup must be on or off, not %q", c.Signup)
}
