package importer

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rudder-crm/rudder/internal/platform/apperr"
)

// field is a lead field a column can be mapped to, with the rules a cell
// must pass (the same as the lead API's input).
type field struct {
	name      string
	max       int // in characters
	multiline bool
	pattern   *regexp.Regexp
	what      string // what the pattern wants
	required  bool
}

var (
	phonePattern = regexp.MustCompile(`^[0-9０-９+() -]*$`)
	emailPattern = regexp.MustCompile(`^([^@\s]+@[^@\s]+)?$`)
)

// Fields are the lead fields an import can fill, in a stable order.
var fields = []field{
	{name: "contact_name", max: 60, required: true},
	{name: "company", max: 100},
	{name: "title", max: 60},
	{name: "phone", max: 30, pattern: phonePattern, what: "a phone number (digits, spaces, +, -, ( and ))"},
	{name: "email", max: 254, pattern: emailPattern, what: "an email address"},
	{name: "wechat", max: 60},
	{name: "source", max: 40},
	{name: "region", max: 40},
	{name: "industry", max: 40},
	{name: "notes", max: 2000, multiline: true},
}

// Field indexes into fields, for the row → lead copy.
const (
	fContactName = iota
	fCompany
	fTitle
	fPhone
	fEmail
	fWeChat
	fSource
	fRegion
	fIndustry
	fNotes
	numFields
)

func fieldIndex(name string) int {
	for i, f := range fields {
		if f.name == name {
			return i
		}
	}
	return -1
}

// FieldNames lists the fields a column can be mapped to.
func FieldNames() []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.name
	}
	return out
}

// synonyms are header names (normalized: lower case, no spaces, dashes or
// underscores) that suggest a field.
var synonyms = map[string][]string{
	"contact_name": {"姓名", "联系人", "联系人姓名", "客户姓名", "名字", "name", "contact", "contactname", "fullname", "contactperson"},
	"company":      {"公司", "公司名称", "企业", "企业名称", "单位", "单位名称", "客户名称", "company", "companyname", "organization", "organisation", "account"},
	"title":        {"职位", "职务", "title", "jobtitle", "position"},
	"phone":        {"手机", "手机号", "手机号码", "电话", "电话号码", "联系电话", "座机", "phone", "mobile", "tel", "telephone", "phonenumber", "cellphone"},
	"email":        {"邮箱", "电子邮箱", "邮件", "电子邮件", "email", "mail", "emailaddress", "e-mail"},
	"wechat":       {"微信", "微信号", "wechat", "weixin", "wechatid"},
	"source":       {"来源", "线索来源", "渠道", "source", "leadsource", "channel"},
	"region":       {"地区", "区域", "省份", "城市", "region", "area", "province", "city"},
	"industry":     {"行业", "所属行业", "industry", "sector"},
	"notes":        {"备注", "说明", "notes", "note", "remark", "remarks", "comment", "comments"},
}

func normHeader(h string) string {
	h = strings.ToLower(foldWidth(strings.TrimSpace(h)))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '_' || r == '-' || r == '*' || r == ':' || r == '：' {
			return -1
		}
		return r
	}, h)
}

func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case r == 0x3000:
			return ' '
		}
		return r
	}, s)
}

// SuggestMapping maps each header it recognizes to a field, by column
// index ("0", "1", …); each field at most once, the first column wins.
func SuggestMapping(header []string) map[string]string {
	out := map[string]string{}
	taken := map[string]bool{}
	for i, h := range header {
		n := normHeader(h)
	search:
		for _, f := range fields {
			if taken[f.name] {
				continue
			}
			for _, s := range synonyms[f.name] {
				if n == normHeader(s) {
					out[strconv.Itoa(i)] = f.name
					taken[f.name] = true
					break search
				}
			}
		}
	}
	return out
}

// Duplicate policies.
const (
	PolicySkip   = "skip"
	PolicyUpdate = "update"
	PolicyCreate = "create"
)

// resolveMapping turns a mapping keyed by column index or header name into
// the column of each field (-1: not mapped). A value "" ignores the column.
// contact_name must be mapped; a field may be mapped once.
func resolveMapping(header []string, m map[string]string) ([numFields]int, error) {
	var cols [numFields]int
	for i := range cols {
		cols[i] = -1
	}
	if len(m) == 0 {
		return cols, apperr.Invalid("body.mapping", "map at least the column holding contact_name")
	}
	for key, name := range m {
		loc := "body.mapping." + key
		col := -1
		if n, err := strconv.Atoi(key); err == nil && strconv.Itoa(n) == key {
			if n < 0 || n >= len(header) {
				return cols, apperr.Invalid(loc, "%s", "no column "+key+": the file has "+strconv.Itoa(len(header))+" columns, numbered from 0")
			}
			col = n
		} else {
			for i, h := range header {
				if h == key {
					if col >= 0 {
						return cols, apperr.Invalid(loc, "%s", "two columns are named "+key+"; map them by index")
					}
					col = i
				}
			}
			if col < 0 {
				return cols, apperr.Invalid(loc, "%s", "no column is named "+key)
			}
		}
		if name == "" {
			continue
		}
		fi := fieldIndex(name)
		if fi < 0 {
			return cols, apperr.Invalid(loc, "%s", "unknown field "+name+"; one of "+strings.Join(FieldNames(), ", "))
		}
		if cols[fi] >= 0 && cols[fi] != col {
			return cols, apperr.Invalid(loc, "%s", "the field "+name+" is mapped from two columns")
		}
		cols[fi] = col
	}
	if cols[fContactName] < 0 {
		return cols, apperr.Invalid("body.mapping", "map a column to contact_name: every lead needs a contact name")
	}
	return cols, nil
}

// cellError is one refused cell.
type cellError struct {
	field, value, msg string
}

// checkCell trims a cell and checks it against f's rules. Cells starting
// with =, +, - or @ are kept as text as they are: formulas are neutralised
// where data leaves Rudder (exports, the error report), not on the way in,
// so the stored value is what the user typed.
func checkCell(f *field, raw string) (string, *cellError) {
	v := strings.TrimSpace(raw)
	switch {
	case v == "" && f.required:
		return v, &cellError{f.name, raw, "is required"}
	case v == "":
		return v, nil
	}
	if bad := badRune(v, f.multiline); bad != "" {
		return v, &cellError{f.name, raw, "contains " + bad + " which is not allowed"}
	}
	if n := utf8.RuneCountInString(v); n > f.max {
		return v, &cellError{f.name, raw, "is " + strconv.Itoa(n) + " characters long; at most " + strconv.Itoa(f.max) + " are allowed"}
	}
	if f.pattern != nil && !f.pattern.MatchString(v) {
		return v, &cellError{f.name, raw, "is not " + f.what}
	}
	return v, nil
}
