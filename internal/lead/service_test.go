package lead

import (
	"testing"

	"github.com/rudder-crm/rudder/internal/platform/apperr"
)

// TestApplyStatus walks every status pair: forward along new → contacted →
// qualified, disqualify from any open status with a reason, reopen a
// disqualified lead only as new, never set converted, never leave it.
func TestApplyStatus(t *testing.T) {
	all := []string{StatusNew, StatusContacted, StatusQualified, StatusConverted, StatusDisqualified}
	allowed := map[[2]string]bool{
		{StatusNew, StatusContacted}: true, {StatusNew, StatusQualified}: true, {StatusContacted, StatusQualified}: true,
		{StatusNew, StatusDisqualified}: true, {StatusContacted, StatusDisqualified}: true,
		{StatusQualified, StatusDisqualified}: true, {StatusDisqualified, StatusNew}: true,
	}
	reason := "预算不足"
	for _, from := range all {
		for _, to := range all {
			l := &Lead{Status: from}
			if from == StatusDisqualified {
				l.DisqualifyReason = "旧原因"
			}
			var why *string
			if to == StatusDisqualified && from != StatusDisqualified {
				why = &reason
			}
			err := applyStatus(l, &to, why)
			want := from == to || allowed[[2]string{from, to}]
			if (err == nil) != want {
				t.Errorf("%s → %s: err %v, want allowed=%v", from, to, err, want)
				continue
			}
			if err != nil && !apperr.Is(err, apperr.KindInvalid) {
				t.Errorf("%s → %s: %v is not a 422", from, to, err)
			}
			if err == nil && (l.Status != to || (to == StatusDisqualified) != (l.DisqualifyReason != "")) {
				t.Errorf("%s → %s: status %s reason %q", from, to, l.Status, l.DisqualifyReason)
			}
		}
	}
	// Disqualifying without a reason names the reason field.
	to := StatusDisqualified
	err := applyStatus(&Lead{Status: StatusNew}, &to, nil)
	if e, ok := apperr.As(err); !ok || e.Field != "body.disqualify_reason" {
		t.Fatalf("no reason: %v", err)
	}
}
