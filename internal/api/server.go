// Package api assembles the HTTP server: every feature's operations on one
// huma API, the OpenAPI document, health and metrics endpoints, the embedded
// UI, and the middleware every request passes through.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/activity"
	"github.com/rudder-crm/rudder/internal/analytics"
	"github.com/rudder-crm/rudder/internal/assign"
	"github.com/rudder-crm/rudder/internal/attachment"
	"github.com/rudder-crm/rudder/internal/audit"
	"github.com/rudder-crm/rudder/internal/auth/session"
	"github.com/rudder-crm/rudder/internal/blob"
	"github.com/rudder-crm/rudder/internal/customer"
	"github.com/rudder-crm/rudder/internal/deal"
	"github.com/rudder-crm/rudder/internal/demo"
	"github.com/rudder-crm/rudder/internal/importer"
	"github.com/rudder-crm/rudder/internal/lead"
	"github.com/rudder-crm/rudder/internal/offboard"
	"github.com/rudder-crm/rudder/internal/org"
	"github.com/rudder-crm/rudder/internal/ownership"
	"github.com/rudder-crm/rudder/internal/platform/db"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
	"github.com/rudder-crm/rudder/internal/pool"
	"github.com/rudder-crm/rudder/internal/region"
	"github.com/rudder-crm/rudder/internal/scoring"
	"github.com/rudder-crm/rudder/internal/webform"
	"github.com/rudder-crm/rudder/web"
)

// Options configure the server.
type Options struct {
	Version      string
	Demo         bool // show the demo logins on the login page
	Signup       bool
	CookieSecure bool
	Logger       *slog.Logger
	// DataDir holds uploaded files (<data-dir>/blobs), whatever the
	// database: with PostgreSQL and several instances it must be a shared
	// volume. Empty: a directory "data" under the working directory.
	DataDir string
	// ImportSyncRows overrides how many rows an import may have to run
	// within its start request (tests; 0: importer.DefaultSyncRows).
	ImportSyncRows int
}

// Server is the assembled HTTP handler with its API description.
type Server struct {
	Handler http.Handler
	API     huma.API
	// Patterns lists every pattern registered on the mux, for the test that
	// proves each /api/v1 route is in the OpenAPI document.
	Patterns []string
}

// recordingMux remembers the patterns huma and we register.
type recordingMux struct {
	*http.ServeMux
	patterns *[]string
}

func (m recordingMux) HandleFunc(p string, h func(http.ResponseWriter, *http.Request)) {
	*m.patterns = append(*m.patterns, p)
	m.ServeMux.HandleFunc(p, h)
}

func (m recordingMux) Handle(p string, h http.Handler) {
	*m.patterns = append(*m.patterns, p)
	m.ServeMux.Handle(p, h)
}

// TenantHooks seed each new tenant's per-feature data inside its creation
// transaction (org.Service.OnTenantCreated).
// The demo loader and the admin command use the same list.
var TenantHooks = []func(ctx context.Context, tx bun.IDB, tenantID string) error{deal.SeedDefaultPipeline}

// New builds the server over an open, migrated database.
func New(d *db.DB, o Options) *Server {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	// Statements every write transaction runs are prepared once, up front
	// (see db.Hot).
	d.PrepareHot(context.Background())
	s := &Server{}
	mux := recordingMux{ServeMux: http.NewServeMux(), patterns: &s.Patterns}
	s.API = humago.New(mux, apiConfig(o.Version))

	sess := session.Options{CookieSecure: o.CookieSecure, Cache: session.NewCache()}
	orgs := &org.Service{DB: d, Sessions: sess.Cache, OnTenantCreated: TenantHooks,
		OnUserMoved: []org.UserMovedHook{ownership.UserMoved}}
	session.Register(s.API, d, sess, orgs.GetUser)
	org.Register(s.API, orgs, org.Options{Signup: o.Signup, Session: sess})
	audit.Register(s.API, d)
	leads := &lead.Service{DB: d}
	lead.Register(s.API, leads)
	lead.RegisterBulk(s.API, leads, offboard.LeadOps(d))
	offboard.Register(s.API, &offboard.Service{DB: d, Orgs: orgs})
	forms := &webform.Service{DB: d, Leads: leads, Assign: &assign.Service{DB: d}}
	webform.Register(s.API, forms)
	mux.HandleFunc("/f/{token}", forms.ServePublic)
	pool.Register(s.API, &pool.Service{DB: d})
	assign.Register(s.API, &assign.Service{DB: d})
	region.Register(s.API, &region.Service{DB: d})
	customers := &customer.Service{DB: d, Leads: leads, LeftPool: pool.CustomerHook}
	scorer := &scoring.Service{DB: d}
	customers.Scored, customers.Rate = scorer.Recompute, scorer.Rate
	customer.Register(s.API, customers)
	scoring.Register(s.API, scorer)
	deals := &deal.Service{DB: d, Customers: customers, CustomerChanged: scorer.Recompute}
	customers.NewOpportunity = func(ctx context.Context, o customer.ConvertOpportunity, customerID, contactID string, owner *string) (*customer.ConvertedOpportunity, error) {
		op, err := deals.Create(ctx, deal.OpportunityInput{CustomerID: customerID, Name: o.Name, OwnerID: owner,
			Amount: deal.DealMoney{Amount: o.Amount.Amount, Currency: o.Amount.Currency}, ExpectedClose: o.ExpectedClose,
			PipelineID: o.PipelineID, ContactIDs: []string{contactID}})
		if err != nil {
			return nil, err
		}
		return &customer.ConvertedOpportunity{ID: op.ID, Name: op.Name}, nil
	}
	deal.Register(s.API, deals)
	analytics.Register(s.API, &analytics.Service{DB: d, Deals: deals})
	activity.Register(s.API, &activity.Service{DB: d, Leads: leads, Deals: deals, Done: scorer.RecomputeSubject})
	dataDir := o.DataDir
	if dataDir == "" {
		dataDir = "data"
	}
	importer.Register(s.API, &importer.Service{DB: d, Blobs: blob.NewDir(dataDir), Log: o.Logger, SyncRows: o.ImportSyncRows})
	attachments := &attachment.Service{DB: d, Blobs: blob.NewDir(dataDir), Log: o.Logger}
	attachment.Register(s.API, attachments)
	customers.DeleteHooks = append(customers.DeleteHooks, activity.DeleteCustomerActivities, attachments.DeleteCustomerAttachments)
	leads.MergeHooks = append(leads.MergeHooks, activity.MoveLeadActivities, pool.MoveLeadEvents, attachment.MoveLeadAttachments)
	registerConfig(s.API, o)

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(d.Write.DB, "write"))
	if d.Read != d.Write {
		reg.MustRegister(collectors.NewDBStatsCollector(d.Read.DB, "read"))
	}
	metrics := httpx.NewMetrics(reg)

	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := d.Ping(ctx); err != nil {
			httpx.WriteProblem(w, http.StatusServiceUnavailable, "database unreachable")
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteProblem(w, http.StatusNotFound, "no API route "+r.Method+" "+r.URL.Path)
	})
	ui := web.Handler()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			httpx.WriteProblem(w, http.StatusMethodNotAllowed, "the UI is read-only; the API is under /api/v1")
			return
		}
		ui.ServeHTTP(w, r)
	})

	var h http.Handler = httpx.RecordRoute(mux.ServeMux)
	h = httpx.Idempotency(d, h, "/api/v1/sessions", "/api/v1/signup", "/api/v1/tokens")
	h = session.Middleware(d, sess.Cache, h)
	h = session.WithClientIP(h)
	csrf := http.NewCrossOriginProtection()
	// A web-to-lead form is meant to be posted from the tenant's own website,
	// a cross-origin form post by design. It is safe to let through: the
	// handler acts for no signed-in user (it ignores any session cookie),
	// only creates a lead in the form's pool, and is rate-limited.
	csrf.AddInsecureBypassPattern("POST /f/{token}")
	h = csrf.Handler(h)
	s.Handler = httpx.Observe(metrics, o.Logger, securityHeaders(h))
	return s
}

func apiConfig(version string) huma.Config {
	cfg := huma.DefaultConfig("Rudder API", version)
	cfg.Info.Description = "Rudder: lead-to-cash sales process management. Money is in minor units with a currency."
	cfg.OpenAPIPath = "/api/v1/openapi"
	cfg.SchemasPath = "/api/v1/schemas"
	cfg.DocsPath = ""     // the docs renderer loads scripts from a CDN; the JSON document is enough
	cfg.CreateHooks = nil // no $schema links in answers
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"session": {Type: "apiKey", In: "cookie", Name: session.Cookie},
		"bearer":  {Type: "http", Scheme: "bearer"},
	}
	return cfg
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if strings.HasPrefix(r.URL.Path, "/api/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// PublicConfig tells the login page what this server offers.
type PublicConfig struct {
	Demo         bool         `json:"demo"`
	DemoPassword string       `json:"demo_password,omitempty"`
	DemoLogins   []demo.Login `json:"demo_logins" nullable:"false"`
	Signup       bool         `json:"signup"`
	Version      string       `json:"version"`
}

func registerConfig(api huma.API, o Options) {
	httpx.Register(api, huma.Operation{OperationID: "get-config", Method: http.MethodGet, Path: "/api/v1/config",
		Tags: []string{"sessions"}, Summary: "What the login page needs to know"}, httpx.Public,
		func(ctx context.Context, _ *struct{}) (*struct{ Body PublicConfig }, error) {
			c := PublicConfig{Signup: o.Signup, Version: o.Version, DemoLogins: []demo.Login{}}
			if o.Demo {
				c.Demo, c.DemoPassword, c.DemoLogins = true, demo.Password, demo.Logins()
			}
			return &struct{ Body PublicConfig }{Body: c}, nil
		})
}
