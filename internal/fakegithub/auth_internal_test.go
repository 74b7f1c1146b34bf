package fakegithub

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"
)

func signJWT(t *testing.T, key *rsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(raw)
	}
	signing := enc(map[string]string{"alg": "RS256", "typ": "JWT"}) + "." + enc(claims)
	digest := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func TestAppJWTRules(t *testing.T) {
	s := New(t, WithAppID(99))
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Unix()
	cases := []struct {
		name   string
		key    *rsa.PrivateKey
		claims map[string]any
		valid  bool
	}{
		{"issuer as string", s.appKey, map[string]any{"iss": "99", "iat": now - 30, "exp": now + 540}, true},
		{"issuer as number", s.appKey, map[string]any{"iss": 99, "iat": now - 30, "exp": now + 540}, true},
		{"another app", s.appKey, map[string]any{"iss": "98", "iat": now, "exp": now + 60}, false},
		{"foreign key", other, map[string]any{"iss": "99", "iat": now, "exp": now + 60}, false},
		{"expired", s.appKey, map[string]any{"iss": "99", "iat": now - 700, "exp": now - 100}, false},
		{"more than ten minutes ahead", s.appKey, map[string]any{"iss": "99", "iat": now, "exp": now + 20*60}, false},
		{"issued in the future", s.appKey, map[string]any{"iss": "99", "iat": now + 300, "exp": now + 500}, false},
		{"no expiry", s.appKey, map[string]any{"iss": "99", "iat": now}, false},
	}
	for _, c := range cases {
		err := s.verifyAppJWT(signJWT(t, c.key, c.claims))
		if c.valid && err != nil {
			t.Errorf("%s: rejected: %v", c.name, err)
		}
		var apiErr *apiError
		if !c.valid && (!errors.As(err, &apiErr) || apiErr.status != http.StatusUnauthorized) {
			t.Errorf("%s: got %v, want a 401", c.name, err)
		}
	}
	if err := s.verifyAppJWT("not.a.jwt"); err == nil {
		t.Error("garbage accepted as a JWT")
	}
}
