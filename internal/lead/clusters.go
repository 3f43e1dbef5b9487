package lead

import (
	"context"
	"sort"
	"time"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/auth"
	"github.com/rudder-crm/rudder/internal/platform/apperr"
	"github.com/rudder-crm/rudder/internal/platform/httpx"
	"github.com/rudder-crm/rudder/internal/platform/ids"
)

// ClusterLead is one lead of a duplicate cluster.
type ClusterLead struct {
	ID          string    `bun:"id" json:"id"`
	ContactName string    `bun:"contact_name" json:"contact_name"`
	Company     string    `bun:"company" json:"company"`
	Phone       string    `bun:"phone" json:"phone"`
	Email       string    `bun:"email" json:"email"`
	Status      string    `bun:"status" json:"status" enum:"new,contacted,qualified"`
	OwnerID     *string   `bun:"owner_id" json:"owner_id"`
	OwnerName   string    `bun:"owner_name" json:"owner_name"`
	CreatedAt   time.Time `bun:"created_at" json:"created_at"`
	Version     int64     `bun:"version" json:"version"`
	PhoneKey    string    `bun:"phone_key" json:"-"`
	EmailKey    string    `bun:"email_key" json:"-"`
	CompanyKey  string    `bun:"company_key" json:"-"`
}

// ClusterMatch is one key that leads of a cluster share.
type ClusterMatch struct {
	On      string   `json:"on" enum:"phone,email,company"`
	Key     string   `json:"key" doc:"The normalized value the leads share (see the dedupe keys)."`
	LeadIDs []string `json:"lead_ids" nullable:"false"`
}

// DuplicateCluster is a group of open leads linked by shared keys: A and B
// share a phone, B and C a company → A, B and C are one cluster.
type DuplicateCluster struct {
	ID      string         `json:"id" doc:"The id of the cluster's newest lead; clusters are listed newest first by it."`
	Leads   []ClusterLead  `json:"leads" nullable:"false" doc:"Newest first."`
	Matches []ClusterMatch `json:"matches" nullable:"false"`
}

// maxClusterRows bounds the leads one cluster listing reads. Only leads
// sharing a key with another lead are read, so this is reached only by a
// tenant with that many duplicates; the answer is then the clusters among
// the newest of them.
const maxClusterRows = 50000

const clusterSort = "clusters"

// Clusters lists one keyset page of the duplicate clusters among the open,
// unmerged leads of the caller's data scope. The database finds the keys
// held by more than one lead (GROUP BY … HAVING over the key indexes) and
// returns only the leads holding them; those are grouped here with a
// union-find, so the work grows with the duplicates, not the tenant.
func (s *Service) Clusters(ctx context.Context, limit int, cursor string) (httpx.Page[DuplicateCluster], error) {
	page := httpx.Page[DuplicateCluster]{Items: []DuplicateCluster{}}
	keys, err := httpx.DecodeCursor(cursor, clusterSort, 1)
	if err != nil {
		return page, err
	}
	if keys != nil && !ids.Valid(keys[0]) {
		return page, apperr.Invalid("query.cursor", "is not a cursor this list gave out")
	}
	rows, err := s.clusterRows(ctx)
	if err != nil {
		return page, err
	}
	all := groupClusters(rows)
	for _, c := range all {
		if keys != nil && c.ID >= keys[0] {
			continue
		}
		if len(page.Items) == limit {
			page.NextCursor = httpx.EncodeCursor(clusterSort, page.Items[limit-1].ID)
			break
		}
		page.Items = append(page.Items, c)
	}
	return page, nil
}

// openDuplicate selects, with alias a, the open unmerged leads in the
// caller's scope.
func openDuplicate(q *bun.SelectQuery, p *auth.Principal, a string) *bun.SelectQuery {
	scope, args := p.ScopeSQL(a+".tenant_id", a+".owner_id", a+".department_id")
	return q.Where(scope, args...).Where("? IN (?)", bun.Ident(a+".status"), bun.In(openStatuses)).
		Where("? IS NULL", bun.Ident(a+".merged_into_id"))
}

var openStatuses = []string{StatusNew, StatusContacted, StatusQualified}

// clusterRows reads the leads that share at least one key with another,
// newest first: one query per key, each led by that key's partial index
// (tenant, key) for both the duplicated keys and the rows holding them.
func (s *Service) clusterRows(ctx context.Context) ([]ClusterLead, error) {
	p := auth.From(ctx)
	r := s.DB.R(ctx)
	seen := map[string]bool{}
	var out []ClusterLead
	for _, col := range []string{"phone_key", "email_key", "company_key"} {
		shared := r.NewSelect().TableExpr("leads AS d").ColumnExpr("?", bun.Ident("d."+col)).
			Where("? <> ''", bun.Ident("d."+col))
		shared = openDuplicate(shared, p, "d").GroupExpr("?", bun.Ident("d."+col)).Having("COUNT(*) > 1")
		q := r.NewSelect().TableExpr("leads AS l").Join("LEFT JOIN users AS u ON u.id = l.owner_id").
			ColumnExpr("l.id, l.contact_name, l.company, l.phone, l.email, l.status, l.owner_id, l.created_at, l.version").
			ColumnExpr("l.phone_key, l.email_key, l.company_key, COALESCE(u.name, '') AS owner_name").
			Where("? <> '' AND ? IN (?)", bun.Ident("l."+col), bun.Ident("l."+col), shared)
		var rows []ClusterLead
		if err := openDuplicate(q, p, "l").Limit(maxClusterRows).Scan(ctx, &rows); err != nil {
			return nil, err
		}
		for _, row := range rows {
			if !seen[row.ID] {
				seen[row.ID] = true
				out = append(out, row)
			}
		}
	}
	// Newest first (ids are time-ordered); the bound keeps the newest.
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	if len(out) > maxClusterRows {
		out = out[:maxClusterRows]
	}
	return out, nil
}

// groupClusters joins rows sharing a key (union-find) into clusters, newest
// cluster first; rows come newest first.
func groupClusters(rows []ClusterLead) []DuplicateCluster {
	parent := make([]int, len(rows))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	type keyOf struct{ on, key string }
	members := map[keyOf][]int{}
	var order []keyOf
	for i, r := range rows {
		for _, k := range []keyOf{{"phone", r.PhoneKey}, {"email", r.EmailKey}, {"company", r.CompanyKey}} {
			if k.key == "" {
				continue
			}
			if m, ok := members[k]; ok {
				// Union towards the smaller index: the newest row is the root.
				a, b := find(m[0]), find(i)
				parent[max(a, b)] = min(a, b)
			} else {
				order = append(order, k)
			}
			members[k] = append(members[k], i)
		}
	}
	byRoot := map[int]*DuplicateCluster{}
	var roots []int
	for i, r := range rows {
		root := find(i)
		c, ok := byRoot[root]
		if !ok {
			c = &DuplicateCluster{ID: rows[root].ID, Matches: []ClusterMatch{}}
			byRoot[root] = c
			roots = append(roots, root)
		}
		c.Leads = append(c.Leads, r)
	}
	for _, k := range order {
		m := members[k]
		if len(m) < 2 {
			continue // a key shared only with leads beyond the row bound
		}
		c := byRoot[find(m[0])]
		var leadIDs []string
		for _, i := range m {
			leadIDs = append(leadIDs, rows[i].ID)
		}
		c.Matches = append(c.Matches, ClusterMatch{On: k.on, Key: k.key, LeadIDs: leadIDs})
	}
	sort.Ints(roots)
	out := make([]DuplicateCluster, 0, len(roots))
	for _, root := range roots {
		if c := byRoot[root]; len(c.Leads) > 1 {
			out = append(out, *c)
		}
	}
	return out
}
