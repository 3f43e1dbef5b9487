package api_test

import (
	"net/http/httptest"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/dbtest"
)

// benchGet measures one authenticated GET through the whole handler stack
// (middleware, auth, huma, SQL), without the network.
func benchGet(b *testing.B, dialect db.Dialect, path string) {
	e := apitest.Start(b, dbtest.Open(b, dialect))
	token := e.Demo("admin@demo.local").Token
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("GET", path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			w := httptest.NewRecorder()
			e.Server.Handler.ServeHTTP(w, req)
			if w.Code != 200 {
				b.Fatalf("%s: %d %s", path, w.Code, w.Body)
			}
		}
	})
}

func BenchmarkMe(b *testing.B) {
	for _, d := range dbtest.Dialects() {
		b.Run(string(d), func(b *testing.B) { benchGet(b, d, "/api/v1/me") })
	}
}

func BenchmarkUsersPage(b *testing.B) {
	for _, d := range dbtest.Dialects() {
		b.Run(string(d), func(b *testing.B) { benchGet(b, d, "/api/v1/users?limit=50") })
	}
}
