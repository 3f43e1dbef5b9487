package api_test

import (
	"fmt"
	"testing"

	"github.com/rudder-crm/rudder/internal/apitest"
)

// TestWebFormSubmissionsShowTheLead: a submission row carries the lead's
// name, company and phone for a caller who may read the lead, and nothing of
// it for one whose data scope leaves the lead out, or once it is deleted.
func TestWebFormSubmissionsShowTheLead(t *testing.T) {
	each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Demo("admin@demo.local")
		poolID := wfSetup(t, admin)
		form := admin.Do("POST", "/api/v1/web-forms", map[string]any{"name": "展会留资", "target": "pool", "pool_id": poolID}).Want(201).Map()
		formID := form["id"].(string)
		e.Anon().Do("POST", form["path"].(string), map[string]any{"name": "钱经理", "company": "远航贸易有限公司", "phone": "13900005678"}).Want(201)

		sub := wfSubmissions(t, admin, formID)
		if len(sub) != 1 || sub[0]["lead_visible"] != true || sub[0]["contact_name"] != "钱经理" ||
			sub[0]["company"] != "远航贸易有限公司" || sub[0]["phone"] != "13900005678" {
			t.Fatalf("admin's submissions: %v", sub)
		}
		leadID := sub[0]["lead_id"].(string)

		// A form manager who sees only their own leads: the row, not the lead.
		role := admin.Do("POST", "/api/v1/roles", map[string]any{"name": "表单专员", "permissions": []string{"webform.manage"}, "data_scope": "own"}).Want(201).Map()
		createUser(t, admin, map[string]any{"email": "forms@demo.local", "name": "表单专员", "password": "forms password 1", "role_id": role["id"]})
		narrow := wfSubmissions(t, e.Login("forms@demo.local", "forms password 1"), formID)
		if len(narrow) != 1 || narrow[0]["lead_id"] != leadID || narrow[0]["lead_visible"] != false ||
			narrow[0]["contact_name"] != "" || narrow[0]["company"] != "" || narrow[0]["phone"] != "" {
			t.Fatalf("out-of-scope submissions: %v", narrow)
		}

		l := admin.Do("GET", "/api/v1/leads/"+leadID, nil).Want(200).Map()
		admin.Do("DELETE", "/api/v1/leads/"+leadID, nil, "If-Match", fmt.Sprintf(`"%v"`, l["version"])).Want(204)
		gone := wfSubmissions(t, admin, formID)
		if len(gone) != 1 || gone[0]["lead_visible"] != false || gone[0]["contact_name"] != "" {
			t.Fatalf("submissions of a deleted lead: %v", gone)
		}
	})
}
