package lead

import (
	"fmt"
	"testing"
)

func TestGroupClustersIsTransitive(t *testing.T) {
	// Newest first, as clusterRows returns them. A~B by phone, B~C by
	// company, D~E by email, and C~E by nothing: two clusters.
	rows := []ClusterLead{
		{ID: "e", EmailKey: "x@y"},
		{ID: "d", EmailKey: "x@y", CompanyKey: "solo"},
		{ID: "c", CompanyKey: "锦程"},
		{ID: "b", PhoneKey: "13800001111", CompanyKey: "锦程"},
		{ID: "a", PhoneKey: "13800001111"},
	}
	got := groupClusters(rows)
	var out []string
	for _, c := range got {
		ids := ""
		for _, l := range c.Leads {
			ids += l.ID
		}
		out = append(out, fmt.Sprintf("%s:%s:%d", c.ID, ids, len(c.Matches)))
	}
	if fmt.Sprint(out) != "[e:ed:1 c:cba:2]" {
		t.Fatalf("clusters: %v", out)
	}
	// A chain joined from its far end still makes one cluster, rooted at the newest.
	chain := []ClusterLead{{ID: "3", PhoneKey: "1"}, {ID: "2", EmailKey: "2"}, {ID: "1", PhoneKey: "1", EmailKey: "2"}}
	if got := groupClusters(chain); len(got) != 1 || got[0].ID != "3" || len(got[0].Leads) != 3 {
		t.Fatalf("chain: %+v", got)
	}
}
