package auth

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

func TestCheckPassword(t *testing.T) {
	for _, c := range []struct {
		pw     string
		wantOK bool
	}{
		{"", false},
		{"kq8#Zr2!p", false},                      // 9
		{"kq8#Zr2!pw", true},                      // exactly 10
		{"我的密码非常安全可靠", true},                      // 10 runes (30 bytes)
		{"我的密码非常安全可", false},                      // 9 runes, 27 bytes: runes count, not bytes
		{"Password123", false},                    // common list, case-insensitive
		{"PASSWORD123", false},                    // common list
		{"password123", false},                    // common list
		{"1234567890", false},                     // common list
		{"Password123-but-longer", true},          // not in the list
		{strings.Repeat("a1B!", 32), true},        // 128
		{strings.Repeat("a1B!", 32) + "x", false}, // 129
		{strings.Repeat("密", 128), true},          // 128 runes
		{strings.Repeat("密", 129), false},
	} {
		err := CheckPassword(c.pw)
		if (err == nil) != c.wantOK {
			t.Errorf("CheckPassword(%q) = %v, want ok=%v", c.pw, err, c.wantOK)
		}
	}
	// Every listed password of acceptable length is refused in any case.
	for _, l := range strings.Split(commonPasswordList, "\n") {
		l = strings.TrimSpace(l)
		if len([]rune(l)) < MinPasswordLen || l == "" {
			continue
		}
		for _, v := range []string{l, strings.ToUpper(l), strings.ToTitle(l)} {
			if err := CheckPassword(v); err == nil || !strings.Contains(err.Error(), "common") {
				t.Errorf("common password %q: %v", v, err)
			}
		}
	}
}

func TestHashAndVerify(t *testing.T) {
	const pw = "correct horse battery 电池"
	h1, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q does not use the documented parameters", h1)
	}
	if h1 == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if strings.Contains(h1, pw) {
		t.Fatal("hash contains the password")
	}
	if !VerifyPassword(h1, pw) || !VerifyPassword(h2, pw) {
		t.Fatal("right password refused")
	}
	for _, wrong := range []string{"", "correct horse battery", "Correct horse battery 电池", pw + " ", pw[:len(pw)-1]} {
		if VerifyPassword(h1, wrong) {
			t.Errorf("wrong password %q accepted", wrong)
		}
	}
	BurnPasswordCheck(pw) // must not panic
}

func TestVerifyPasswordGarbage(t *testing.T) {
	const pw = "some password 123"
	good, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	flip := func(s string) string {
		b, _ := base64.RawStdEncoding.DecodeString(s)
		b[0] ^= 1
		return base64.RawStdEncoding.EncodeToString(b)
	}
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	for _, enc := range []string{
		"", "$", "$$$$$", "plaintext", pw, "$argon2id$", "$argon2i$" + strings.Join(parts[2:], "$"),
		with(1, "bcrypt"), with(3, "m=abc"), with(3, ""), with(4, "!!!"), with(5, "!!!"), with(5, ""),
		with(4, flip(parts[4])), with(5, flip(parts[5])), with(5, parts[5][:10]),
		with(3, "m=2000000,t=2,p=1"), with(3, "m=19456,t=11,p=1"), with(3, "m=19456,t=2,p=300"),
		good + "$extra", good[:len(good)-2], strings.Replace(good, "argon2id", "ARGON2ID", 1),
	} {
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("VerifyPassword(%q) panicked: %v", enc, p)
				}
			}()
			if VerifyPassword(enc, pw) {
				t.Errorf("VerifyPassword(%q) = true", enc)
			}
		}()
	}
}

// Tampered cost parameters must be refused, not crash the server.
func TestVerifyPasswordZeroCostParams(t *testing.T) {
	const pw = "some password 123"
	good, _ := HashPassword(pw)
	parts := strings.Split(good, "$")
	for _, params := range []string{"m=19456,t=0,p=1", "m=19456,t=2,p=0", "m=0,t=2,p=1"} {
		p := append([]string(nil), parts...)
		p[3] = params
		enc := strings.Join(p, "$")
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("VerifyPassword with %s panicked: %v", params, r)
				}
			}()
			if VerifyPassword(enc, pw) {
				t.Errorf("VerifyPassword with %s = true", params)
			}
		}()
	}
}

func FuzzVerifyPassword(f *testing.F) {
	// A cheap but genuine hash (8 KiB, 1 pass) keeps every seed fast.
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte("seed password"), salt, 1, 8, 1, 32)
	b64 := base64.RawStdEncoding
	cheap := fmt.Sprintf("$argon2id$v=%d$m=8,t=1,p=1$%s$%s", argon2.Version, b64.EncodeToString(salt), b64.EncodeToString(key))
	f.Add(cheap, "seed password")
	f.Add(cheap, "wrong password")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$c2FsdA$a2V5", "x")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, enc, pw string) {
		// Inputs the fuzzer makes may ask for a lot of legitimate work; keep
		// those out of the hot loop (never the seeds above).
		var m, tt uint32
		var p uint8
		if parts := strings.Split(enc, "$"); len(parts) == 6 {
			if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &tt, &p); err == nil && (m > 64 || tt > 2) {
				return
			}
		}
		got := VerifyPassword(enc, pw)
		if enc == cheap && got != (pw == "seed password") {
			t.Fatalf("VerifyPassword(cheap hash, %q) = %v", pw, got)
		}
	})
}
