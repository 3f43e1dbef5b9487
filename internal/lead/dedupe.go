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
// a known region in brackets dropped anywhere ("华为技术（深圳）有限公司"),
// English legal forms dropped ("Co., Ltd.", "Inc."), spaces and punctuation
// removed, then Chinese legal forms dropped ("有限公司", "集团"). Legal forms
// are removed repeatedly but never down to nothing, so "公司" stays "公司".
// CompanyKey(CompanyKey(x)) == CompanyKey(x).
func CompanyKey(s string) string {
	s = strings.ToLower(foldWidth(s))
	s = dropRegionPrefix(s)
	s = dropBracketedRegions(s)
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

// dropBracketedRegions removes bracketed groups anywhere in s that name a
// known region ("(深圳)", "（中国）"), unless nothing would be left. Unlike
// the leading group, one inside a name is dropped only when it is a region
// we know: "（集团）" or a brand in brackets is part of the name.
func dropBracketedRegions(s string) string {
	for from := 0; ; {
		i := strings.IndexFunc(s[from:], func(r rune) bool { return strings.ContainsRune(openers, r) })
		if i < 0 {
			return s
		}
		i += from
		_, osize := utf8.DecodeRuneInString(s[i:])
		j := strings.IndexFunc(s[i+osize:], func(r rune) bool { return strings.ContainsRune(closers, r) })
		if j < 0 {
			return s
		}
		j += i + osize
		_, csize := utf8.DecodeRuneInString(s[j:])
		rest := s[:i] + s[j+csize:]
		if !isRegion(s[i+osize:j]) || strings.TrimFunc(rest, isSep) == "" {
			from = i + osize
			continue
		}
		s, from = rest, i
	}
}

// regions are the names in brackets a company key ignores: the country,
// provinces and autonomous regions, and the larger cities, each also with its
// 省/市 suffix (isRegion). Unbracketed region names stay part of the name:
// 上海银行 and 北京银行 are different banks.
var regions = map[string]bool{}

func init() {
	for _, r := range strings.Fields(`中国 中国大陆 大陆 香港 澳门 台湾
		北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州
		云南 陕西 甘肃 青海 内蒙古 广西 西藏 宁夏 新疆
		深圳 广州 杭州 南京 苏州 成都 武汉 西安 厦门 青岛 大连 宁波 沈阳 长沙 郑州 济南 合肥 福州 昆明 无锡 东莞 佛山
		珠海 哈尔滨 长春 石家庄 太原 南昌 南宁 贵阳 兰州 海口 三亚 乌鲁木齐 呼和浩特 银川 西宁 拉萨 常州 温州 绍兴 嘉兴
		烟台 泉州 中山 惠州 台州 金华 徐州 南通 扬州 潍坊 洛阳 唐山 保定 廊坊 芜湖 镇江 湖州 江门 汕头 临沂 淄博 威海
		china hongkong shanghai beijing shenzhen guangzhou`) {
		regions[r] = true
	}
}

// isRegion reports whether the text in a pair of brackets names a region.
func isRegion(s string) bool {
	s = strings.TrimFunc(s, unicode.IsSpace)
	if regions[s] {
		return true
	}
	for _, suffix := range []string{"省", "市", "自治区", "特别行政区"} {
		if rest, ok := strings.CutSuffix(s, suffix); ok && regions[rest] {
			return true
		}
	}
	return false
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
