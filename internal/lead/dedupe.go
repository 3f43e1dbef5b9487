package lead

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The dedupe keys are what two records of the same lead have in common
// however people typed them: the same phone with or without +86 and dashes,
// the same email in any case, the same company with or without its legal
// form, a region prefix or full-width characters from a Chinese IME. An
// empty key never matches anything.

// minPhoneDigits: shorter numbers (extensions, typos) would match by chance.
const minPhoneDigits = 7

// PhoneKey is the phone's digits, with the mainland country code (+86, 0086
// or a bare 86) dropped from a mobile number, so "+86 138-0013-8000" and
// "13800138000" meet. Landlines keep their area code as dialled. Full-width
// digits count as digits.
func PhoneKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		r = halfWidth(r)
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	for _, cc := range []string{"0086", "86"} {
		if rest, ok := strings.CutPrefix(d, cc); ok && isMobile(rest) {
			d = rest
			break
		}
	}
	if len(d) < minPhoneDigits {
		return ""
	}
	return d
}

// isMobile: mainland mobile numbers have 11 digits and start with 1.
func isMobile(d string) bool { return len(d) == 11 && d[0] == '1' }

// EmailKey is the trimmed, lower-cased address; "" when it is no address.
func EmailKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if !strings.Contains(s, "@") {
		return ""
	}
	return s
}

// CompanyKey normalizes a company name: full-width folded to half-width,
// lower case, a leading region in brackets dropped ("（上海）", "【深圳】"),
// English legal forms dropped ("Co., Ltd.", "Inc."), spaces and punctuation
// removed, then Chinese legal forms dropped ("有限公司", "集团"). Legal forms
// are removed repeatedly but never down to nothing, so "公司" stays "公司".
// CompanyKey(CompanyKey(x)) == CompanyKey(x).
func CompanyKey(s string) string {
	s = strings.ToLower(foldWidth(s))
	s = dropRegionPrefix(s)
	s = dropEnglishForms(s)
	s = strings.Map(func(r rune) rune {
		if isSep(r) {
			return -1
		}
		return r
	}, s)
	return dropChineseForms(s)
}

// foldWidth maps full-width ASCII (！ to ～) and the ideographic space to
// their half-width forms: the part of NFKC that matters for names typed with
// a Chinese input method, without a normalization dependency.
func foldWidth(s string) string { return strings.Map(halfWidth, s) }

func halfWidth(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}

// isSep: what a key leaves out. Invalid UTF-8 decodes to U+FFFD, a symbol.
func isSep(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) ||
		unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

var openers, closers = "([【〔〖「『<", ")]】〕〗」』>"

// maxRegion bounds a bracketed prefix taken for a region, so a long bracketed
// name is not thrown away.
const maxRegion = 8

// dropRegionPrefix removes one leading bracketed group such as "(北京)",
// unless nothing would be left.
func dropRegionPrefix(s string) string {
	t := strings.TrimLeftFunc(s, unicode.IsSpace)
	open, size := utf8.DecodeRuneInString(t)
	if !strings.ContainsRune(openers, open) {
		return s
	}
	end := strings.IndexFunc(t[size:], func(r rune) bool { return strings.ContainsRune(closers, r) })
	if end <= 0 || utf8.RuneCountInString(t[size:size+end]) > maxRegion {
		return s
	}
	_, csize := utf8.DecodeRuneInString(t[size+end:])
	rest := t[size+end+csize:]
	if strings.TrimFunc(rest, isSep) == "" {
		return s
	}
	return rest
}

// englishForms are legal forms as word sequences; a form matches only as
// whole words after a space or punctuation ("Foo Inc." but not "Zinc").
var englishForms = [][]string{
	{"co", "ltd"}, {"co", "limited"}, {"company", "limited"}, {"ltd"}, {"limited"},
	{"inc"}, {"incorporated"}, {"llc"}, {"corp"}, {"corporation"},
}

// dropEnglishForms removes trailing English legal forms, repeatedly.
func dropEnglishForms(s string) string {
	for {
		cut, ok := cutEnglishForm(s)
		if !ok || strings.TrimFunc(cut, isSep) == "" {
			return s
		}
		s = cut
	}
}

// cutEnglishForm returns s without a trailing legal form, if it has one.
func cutEnglishForm(s string) (string, bool) {
	for _, form := range englishForms {
		t := strings.TrimRightFunc(s, isSep)
		ok := true
		for i := len(form) - 1; i >= 0 && ok; i-- {
			var found bool
			if t, found = strings.CutSuffix(t, form[i]); !found {
				ok = false
				break
			}
			// The word must start after a separator (or at the start of s).
			r, _ := utf8.DecodeLastRuneInString(t)
			if t != "" && !isSep(r) {
				ok = false
				break
			}
			if i > 0 {
				t = strings.TrimRightFunc(t, isSep)
			}
		}
		if ok {
			return t, true
		}
	}
	return s, false
}

// chineseForms, longest first so "股份有限公司" goes whole rather than as "公司".
var chineseForms = []string{"股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团", "公司"}

// dropChineseForms removes trailing Chinese legal forms, repeatedly, but
// never the whole name.
func dropChineseForms(s string) string {
	for {
		cut := false
		for _, f := range chineseForms {
			if rest, ok := strings.CutSuffix(s, f); ok && rest != "" {
				s, cut = rest, true
				break
			}
		}
		if !cut {
			return s
		}
	}
}
