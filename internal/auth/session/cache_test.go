package session

import (
	"testing"
	"time"

	"github.com/rudder-crm/rudder/internal/auth"
)

func TestCacheTTLAndForget(t *testing.T) {
	c := NewCache()
	now := time.Now()
	a := &auth.Principal{TenantID: "t1", UserID: "u1"}
	b := &auth.Principal{TenantID: "t2", UserID: "u2"}
	c.put("ha", a, now)
	c.put("hb", b, now)
	if c.get("ha", now.Add(c.TTL/2)) != a {
		t.Fatal("fresh entry not served")
	}
	if c.get("ha", now.Add(c.TTL+time.Millisecond)) != nil {
		t.Fatal("entry served after its TTL")
	}
	c.ForgetTenant("t1")
	if c.get("ha", now) != nil || c.get("hb", now) != b {
		t.Fatal("ForgetTenant dropped the wrong entries")
	}
	c.Forget("hb")
	if c.get("hb", now) != nil {
		t.Fatal("Forget kept the entry")
	}
	var nilCache *Cache
	nilCache.put("x", a, now)
	if nilCache.get("x", now) != nil {
		t.Fatal("nil cache served an entry")
	}
}

func TestCacheBounded(t *testing.T) {
	c := NewCache()
	now := time.Now()
	for i := 0; i < maxCached+10; i++ {
		c.put(string(rune(i))+"h", &auth.Principal{TenantID: "t"}, now)
	}
	if n := len(c.m); n > maxCached {
		t.Fatalf("cache holds %d entries, bound is %d", n, maxCached)
	}
}
