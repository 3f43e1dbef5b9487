package lead

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/rudder-crm/rudder/internal/platform/db"
)

// A list's q finds leads by name, company, phone or e-mail. How it is
// searched depends on the term, so that a million leads answer in
// milliseconds whether the term is common or found once:
//
//   - a whole mainland mobile number or e-mail address is one index search
//     on its dedupe key (and matches however it is written);
//   - on PostgreSQL any other term is LIKE over one lower-cased expression
//     of the four columns, which a pg_trgm GIN index serves (migration
//     00018); the planner picks the index for a rare term and the list's
//     own order for a common one;
//   - on SQLite a term of three or more characters is first counted in the
//     FTS5 trigram index (up to rareMatches): a rare term lists the
//     matches the index names, a common one scans the list's order with
//     LIKE and finds its page within a few thousand rows. Shorter terms
//     have no trigram and always scan.
type match struct {
	keyCol, key string // a dedupe key lookup
	like        string // '%term%', lower-cased, for LIKE ... ESCAPE '!'
	phrase      string // SQLite: the FTS5 query that lists the few matches
	postgres    bool
}

// rareMatches is how many index matches a term may have and still be
// listed from the index. Past it a term matches at least 0.5% of a
// million leads, so scanning the list's order reaches 50 of them within
// ~10,000 rows — about what reading 5,000 rows by rowid and sorting costs.
const rareMatches = 5000

// searchExpr is the text the PostgreSQL index holds: chr(31) never occurs
// in a term (match strips control characters), so no match spans two
// columns. It must stay the index's expression word for word.
const searchExpr = "lower(l.contact_name || chr(31) || l.company || chr(31) || l.phone || chr(31) || l.email)"

// match prepares the search for text ("" matches every lead).
func (s *Service) match(ctx context.Context, text string) (match, error) {
	text = strings.TrimSpace(strings.Map(dropControl, text))
	if text == "" {
		return match{}, nil
	}
	if col, key := SearchKey(text); col != "" {
		return match{keyCol: col, key: key}, nil
	}
	m := match{like: "%" + escapeLike(strings.ToLower(text)) + "%", postgres: s.DB.Dialect == db.Postgres}
	if m.postgres || utf8.RuneCountInString(text) < 3 {
		return m, nil
	}
	phrase := `"` + strings.ReplaceAll(text, `"`, `""`) + `"`
	var n int
	err := s.DB.R(ctx).NewRaw("SELECT count(*) FROM (SELECT rowid FROM lead_search WHERE lead_search MATCH ? LIMIT ?) AS hits",
		phrase, rareMatches+1).Scan(ctx, &n)
	if err != nil {
		return m, err
	}
	if n <= rareMatches {
		m.phrase = phrase
	}
	return m, nil
}

// where adds the search to a lead query.
func (m match) where(q *bun.SelectQuery) *bun.SelectQuery {
	switch {
	case m.keyCol != "":
		return q.Where("? = ? AND ? <> ''", bun.Safe("l."+m.keyCol), m.key, bun.Safe("l."+m.keyCol))
	case m.phrase != "":
		return q.Where("l.rowid IN (SELECT rowid FROM lead_search WHERE lead_search MATCH ?)", m.phrase)
	case m.postgres:
		return q.Where(searchExpr+" LIKE ? ESCAPE '!'", m.like)
	case m.like != "":
		// LOWER folds ASCII; Chinese has no case, so a substring of a
		// Chinese name matches as typed.
		return q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			for _, col := range []string{"l.contact_name", "l.company", "l.phone", "l.email"} {
				q = q.WhereOr("LOWER(?) LIKE ? ESCAPE '!'", bun.Safe(col), m.like)
			}
			return q
		})
	}
	return q
}

func dropControl(r rune) rune {
	if unicode.IsControl(r) {
		return ' '
	}
	return r
}

// SearchKey is the dedupe key column (phone_key, email_key: leads,
// customers and contacts have both) and value of a search text that is a
// whole mainland mobile number (in any format: "+86 138-0013-8000") or a
// whole e-mail address; "" for anything else, which is searched as a
// substring.
func SearchKey(text string) (col, key string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", ""
	}
	if strings.Trim(text, "0123456789０１２３４５６７８９+() -") == "" {
		if k := PhoneKey(text); isMobile(k) {
			return "phone_key", k
		}
		return "", ""
	}
	if at := strings.IndexByte(text, '@'); at > 0 && strings.Contains(text[at+1:], ".") && !strings.ContainsAny(text, " \t") {
		return "email_key", EmailKey(text)
	}
	return "", ""
}

// escapeLike keeps % and _ typed in a search literal (a company named
// "100% Pure" is found by "100%"), for LIKE ... ESCAPE '!'.
func escapeLike(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}
