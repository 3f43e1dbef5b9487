package session

import (
	"sync"
	"time"

	"github.com/rudder-crm/rudder/internal/auth"
)

// Cache keeps resolved principals for a moment, so a burst of requests with
// one credential costs one lookup instead of one per request. It is a cache,
// not state: every instance has its own and loses nothing by dropping it.
// The instance that signs someone out, disables a user, changes a password,
// a role or the org chart forgets the affected entries at once; another
// instance may honour the old principal for at most TTL.
type Cache struct {
	TTL time.Duration
	mu  sync.RWMutex
	m   map[string]cached
}

type cached struct {
	p  *auth.Principal
	at time.Time
}

// DefaultTTL bounds how stale another instance's view of a credential can be.
const DefaultTTL = time.Second

// maxCached bounds memory; past it the cache starts afresh.
const maxCached = 20000

// NewCache makes a cache with the default TTL.
func NewCache() *Cache { return &Cache{TTL: DefaultTTL, m: map[string]cached{}} }

func (c *Cache) get(hash string, now time.Time) *auth.Principal {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	e, ok := c.m[hash]
	c.mu.RUnlock()
	if !ok || now.Sub(e.at) > c.TTL {
		return nil
	}
	return e.p
}

func (c *Cache) put(hash string, p *auth.Principal, now time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCached {
		c.m = map[string]cached{}
	}
	c.m[hash] = cached{p: p, at: now}
}

// Forget drops one credential (sign-out).
func (c *Cache) Forget(hash string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	delete(c.m, hash)
	c.mu.Unlock()
}

// ForgetTenant drops every principal of a tenant: after a change to users,
// roles or departments any of them may see differently.
func (c *Cache) ForgetTenant(tenantID string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	for k, e := range c.m {
		if e.p.TenantID == tenantID {
			delete(c.m, k)
		}
	}
	c.mu.Unlock()
}
