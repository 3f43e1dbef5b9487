package lead

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestPhoneKey(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"13800138000", "13800138000"},
		{"138-0013-8000", "13800138000"},
		{"138 0013 8000", "13800138000"},
		{"+86 138 0013 8000", "13800138000"},
		{"+86-13800138000", "13800138000"},
		{"0086 13800138000", "13800138000"},
		{"008613800138000", "13800138000"},
		{"8613800138000", "13800138000"},
		{"(+86) 139-1234-5678", "13912345678"},
		{"１３８００１３８０００", "13800138000"},  // full-width digits from a Chinese IME
		{"010-62345678", "01062345678"}, // Beijing landline keeps its area code
		{"(021) 5432 1098", "02154321098"},
		{"0755-8888-6666", "075588886666"},
		{"+1 415 555 0100", "14155550100"}, // not mainland: untouched
		{"86 10 62345678", "861062345678"}, // 86 + landline: not a mobile, kept as dialled
		{"8612345678", "8612345678"},       // too short for 86 + mobile
		{"400-820-8820", "4008208820"},     // service number
		{"123456", ""},                     // fewer than 7 digits
		{"", ""},
		{"ext. 12", ""},
		{"   ", ""},
	} {
		if got := PhoneKey(c.in); got != c.want {
			t.Errorf("PhoneKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestEmailKey(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Zhang.Wei@Example.COM", "zhang.wei@example.com"},
		{"  li.na@qq.com ", "li.na@qq.com"},
		{"SALES@公司.中国", "sales@公司.中国"},
		{"not-an-address", ""},
		{"", ""},
	} {
		if got := EmailKey(c.in); got != c.want {
			t.Errorf("EmailKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCompanyKey(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// Legal forms, longest first.
		{"华为技术有限公司", "华为技术"},
		{"阿里巴巴集团", "阿里巴巴"},
		{"阿里巴巴集团有限公司", "阿里巴巴"},
		{"中国平安保险(集团)股份有限公司", "中国平安保险"},
		{"比亚迪股份有限公司", "比亚迪"},
		{"上海浦东发展银行股份有限公司", "上海浦东发展银行"},
		{"北京字节跳动科技有限公司", "北京字节跳动科技"},
		{"深圳市腾讯计算机系统有限公司", "深圳市腾讯计算机系统"},
		{"中信建投证券有限责任公司", "中信建投证券"},
		{"小米科技有限责任公司", "小米科技"},
		{"万科企业股份有限公司", "万科企业"},
		{"联想集团", "联想"},
		{"海尔公司", "海尔"},
		// Leading region in brackets, any bracket style, full or half width.
		{"(北京)百度网讯科技有限公司", "百度网讯科技"},
		{"（上海）携程商务有限公司", "携程商务"},
		{"【深圳】大疆创新科技有限公司", "大疆创新科技"},
		{" [杭州] 网易有限公司", "网易"},
		{"〔广州〕唯品会有限公司", "唯品会"},
		// Full-width letters, digits, spaces and punctuation.
		{"ＡＢＣ科技有限公司", "abc科技"},
		{"ＡＢＣ　科技（有限公司）", "abc科技"},
		{"３６０安全科技股份有限公司", "360安全科技"},
		{"京东·世纪贸易有限公司", "京东世纪贸易"},
		{"中粮、可口可乐饮料有限公司", "中粮可口可乐饮料"},
		// English legal forms as whole words only.
		{"Huawei Technologies Co., Ltd.", "huaweitechnologies"},
		{"Huawei Technologies Co.,Ltd", "huaweitechnologies"},
		{"HUAWEI TECHNOLOGIES CO LTD", "huaweitechnologies"},
		{"Apple Inc.", "apple"},
		{"Acme LLC", "acme"},
		{"Globex Corp.", "globex"},
		{"Initech Corporation", "initech"},
		{"Foo Ltd. Inc.", "foo"},
		{"Zinc", "zinc"},         // "inc" inside a word stays
		{"Blltd", "blltd"},       // so does "ltd"
		{"Megacorp", "megacorp"}, // and "corp"
		{"AT&T Inc.", "att"},
		// A known region in brackets anywhere; other bracketed text stays.
		{"联想（北京）有限公司", "联想"},
		{"华为技术（深圳）有限公司", "华为技术"},
		{"华为技术(深圳)有限公司", "华为技术"},
		{"华为技术 (深圳市) 有限公司", "华为技术"},
		{"可口可乐（中国）饮料有限公司", "可口可乐饮料"},
		{"耐克体育(中国)有限公司", "耐克体育"},
		{"Huawei (Shenzhen) Co., Ltd.", "huawei"},
		{"华为技术有限公司（广东省）", "华为技术"},
		{"（上海）华为（深圳）有限公司", "华为"},
		{"腾讯（微信）有限公司", "腾讯微信"},   // not a region
		{"华润（海南岛）有限公司", "华润海南岛"}, // not on the list
		{"上海银行", "上海银行"},         // an unbracketed region is part of the name
		{"北京（银行）", "北京银行"},
		{"华为(深圳", "华为深圳"}, // unclosed
		{"华为（深圳）", "华为"},
		{"(深圳)(上海)", "上海"}, // never down to nothing
		// Never down to nothing.
		{"公司", "公司"},
		{"有限公司", "有限"}, // degenerate, but stable
		{"集团有限公司", "集团"},
		{"Inc.", "inc"},
		{"(北京)", "北京"},
		{"", ""},
		{"   ", ""},
		{"（一二三四五六七八九十）科技", "一二三四五六七八九十科技"}, // too long for a region
	} {
		if got := CompanyKey(c.in); got != c.want {
			t.Errorf("CompanyKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestCompanyKeySameCompany: spellings people really use for one company meet.
func TestCompanyKeySameCompany(t *testing.T) {
	groups := [][]string{
		{"上海锦程智能科技有限公司", "上海锦程智能科技", "上海 锦程 智能科技 有限公司", "（上海）上海锦程智能科技公司"},
		{"ABC Trading Co., Ltd.", "abc trading", "ＡＢＣ　Ｔｒａｄｉｎｇ", "ABC-Trading Limited"},
		{"杭州海康威视数字技术股份有限公司", "杭州海康威视数字技术有限公司", "杭州海康威视数字技术"},
		{"华为技术有限公司", "华为技术（深圳）有限公司", "华为技术(深圳)有限公司", "（深圳）华为技术有限公司", "华为技术（中国）有限公司"},
	}
	for _, g := range groups {
		want := CompanyKey(g[0])
		for _, s := range g[1:] {
			if got := CompanyKey(s); got != want {
				t.Errorf("CompanyKey(%q) = %q, want %q like %q", s, got, want, g[0])
			}
		}
	}
}

var fuzzSeeds = []string{
	"华为技术有限公司", "（上海）携程商务有限公司", "【深圳】", "Huawei Technologies Co., Ltd.", "Zinc", "Foo Ltd. Inc.",
	"公司有限公司", "+86 138 0013 8000", "008613800138000", "ＡＢＣ　科技", "(", ")(", "【】公司", "\xff\xfe", "a\u200bb",
	"inc inc", "科技 inc 公司", "co., ltd.", "İstanbul Ltd", "ǅ", "\u3000\u3000",
	"华为技术（深圳）有限公司", "(深圳)(上海)", "a(中国", "（中国）（北京市）", "x【上海】】", "(china)(",
}

func FuzzCompanyKey(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := CompanyKey(s)
		if again := CompanyKey(k); again != k {
			t.Fatalf("not idempotent: %q → %q → %q", s, k, again)
		}
		checkKey(t, s, k)
		// A region in brackets after any bracket-free name leaves its key.
		if k != "" && !strings.ContainsAny(foldWidth(s), openers+closers) {
			if with := CompanyKey(s + "（深圳市）"); with != k {
				t.Fatalf("a bracketed region changed the key: %q → %q, with it %q", s, k, with)
			}
		}
	})
}

func FuzzPhoneKey(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := PhoneKey(s)
		if again := PhoneKey(k); again != k {
			t.Fatalf("not idempotent: %q → %q → %q", s, k, again)
		}
		if strings.Trim(k, "0123456789") != "" || (k != "" && len(k) < minPhoneDigits) {
			t.Fatalf("PhoneKey(%q) = %q: not %d+ ASCII digits", s, k, minPhoneDigits)
		}
		checkKey(t, s, k)
	})
}

// checkKey: a key is valid UTF-8 without spaces.
func checkKey(t *testing.T, in, k string) {
	t.Helper()
	if strings.IndexFunc(k, unicode.IsSpace) >= 0 {
		t.Fatalf("key of %q has a space: %q", in, k)
	}
	if !utf8.ValidString(k) {
		t.Fatalf("key of %q is not UTF-8: %q", in, k)
	}
}

func TestSearchKey(t *testing.T) {
	for _, c := range []struct{ text, col, key string }{
		{"+86 138-0013-8000", "phone_key", "13800138000"},
		{"１３８００１３８０００", "phone_key", "13800138000"},
		{"138 0013", "", ""},      // part of a number: a substring search
		{"021-6234 5678", "", ""}, // a landline: substring (its area code is written many ways)
		{" Qian_Li@Jincheng.Example ", "email_key", "qian_li@jincheng.example"},
		{"@jincheng.example", "", ""}, // part of an address
		{"qian@jincheng", "", ""},
		{"钱 @a.b", "", ""},
		{"锦程", "", ""},
		{"", "", ""},
	} {
		if col, key := SearchKey(c.text); col != c.col || key != c.key {
			t.Errorf("SearchKey(%q) = %q %q, want %q %q", c.text, col, key, c.col, c.key)
		}
	}
}
