package lead

import (
	"slices"
	"testing"
)

// Within a batch a checked create is a duplicate of an earlier create of
// its tenant with one of its keys; unchecked creates are written anyway
// (and count for later ones); empty keys match nothing; tenants are apart.
func TestMarkRepeats(t *testing.T) {
	mk := func(tenant, phone, email, company string, check bool) *pendingCreate {
		return &pendingCreate{lead: &Lead{TenantID: tenant, PhoneKey: phone, EmailKey: email, CompanyKey: company}, check: check}
	}
	batch := []*pendingCreate{
		mk("t1", "138", "", "", true),     // 0: first with 138
		mk("t1", "138", "", "", true),     // 1: repeats 0's phone
		mk("t2", "138", "", "", true),     // 2: another tenant
		mk("t1", "", "a@b", "", false),    // 3: unchecked, written
		mk("t1", "", "a@b", "锦程", true),   // 4: repeats 3's email
		mk("t1", "", "", "", true),        // 5: no keys
		mk("t1", "", "", "", true),        // 6: no keys either
		mk("t1", "139", "", "锦程", true),   // 7: 4 was refused, so its company is free
		mk("t1", "139", "c@d", "", false), // 8: unchecked repeat: written
		mk("t1", "", "c@d", "", true),     // 9: repeats 8
	}
	batch[1].duplicate = true // left from an earlier try: recomputed
	fresh := markRepeats(batch)
	var dups, kept []int
	for i, c := range batch {
		if c.duplicate {
			dups = append(dups, i)
		}
		if slices.Contains(fresh, c) {
			kept = append(kept, i)
		}
	}
	if !slices.Equal(dups, []int{1, 4, 9}) || !slices.Equal(kept, []int{0, 2, 3, 5, 6, 7, 8}) {
		t.Fatalf("duplicates %v (want [1 4 9]), written %v", dups, kept)
	}
}
