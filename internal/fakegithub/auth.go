package fakegithub

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// appOperations authenticate with the App's JWT; every other operation needs
// an installation token.
var appOperations = map[string]bool{
	"apps/get-authenticated":                true,
	"apps/list-installations":               true,
	"apps/get-installation":                 true,
	"apps/create-installation-access-token": true,
	"apps/get-org-installation":             true,
	"apps/get-user-installation":            true,
	"apps/get-repo-installation":            true,
}

const (
	tokenLifetime  = time.Hour
	maxJWTLifetime = 10 * time.Minute
	// clockSkew is the leeway GitHub gives for iat in the future.
	clockSkew = 60 * time.Second
)

func credentials(r *http.Request) string {
	h := r.Header.Get("Authorization")
	for _, scheme := range []string{"Bearer ", "bearer ", "token ", "Token "} {
		if rest, ok := strings.CutPrefix(h, scheme); ok {
			return strings.TrimSpace(rest)
		}
	}
	return ""
}

func unauthorized(message string) *apiError {
	return &apiError{status: http.StatusUnauthorized, message: message}
}

func (s *Server) authenticate(c *call) error {
	if publicOperations[c.op.id] {
		return nil
	}
	cred := credentials(c.r)
	if cred == "" {
		if appOperations[c.op.id] {
			return unauthorized("A JSON web token could not be decoded")
		}
		return unauthorized("Requires authentication")
	}
	if appOperations[c.op.id] {
		if err := s.verifyAppJWT(cred); err != nil {
			return err
		}
		c.actor = s.botLoginLocked()
		return nil
	}
	tok := s.tokens[cred]
	// Installation tokens are checked against the wall clock, as the client
	// library decides when to refresh them by the wall clock too.
	if tok == nil || time.Now().After(tok.expiresAt) {
		return unauthorized("Bad credentials")
	}
	c.token = tok
	c.actor = s.botLoginLocked()
	return nil
}

// verifyAppJWT checks an RS256 JWT signed with the App's key. Times are
// checked against the wall clock, which is what the client signs with.
func (s *Server) verifyAppJWT(token string) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return unauthorized("A JSON web token could not be decoded")
	}
	var header struct {
		Alg string `json:"alg"`
	}
	if err := decodeSegment(parts[0], &header); err != nil || header.Alg != "RS256" {
		return unauthorized("A JSON web token could not be decoded")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return unauthorized("A JSON web token could not be decoded")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(&s.appKey.PublicKey, crypto.SHA256, digest[:], sig); err != nil {
		return unauthorized("A JSON web token could not be decoded")
	}
	var claims struct {
		Iss json.RawMessage `json:"iss"`
		Iat *float64        `json:"iat"`
		Exp *float64        `json:"exp"`
	}
	if err := decodeSegment(parts[1], &claims); err != nil {
		return unauthorized("A JSON web token could not be decoded")
	}
	iss := strings.Trim(string(claims.Iss), `"`)
	if iss != strconv.FormatInt(s.appID, 10) {
		return unauthorized(fmt.Sprintf("'Issuer' claim ('iss') must be an Integer; integration %s not found", iss))
	}
	if claims.Iat == nil || claims.Exp == nil {
		return unauthorized("Missing 'issued at' or 'expiration time' claim ('iat'/'exp')")
	}
	now := time.Now()
	iat := time.Unix(int64(*claims.Iat), 0)
	exp := time.Unix(int64(*claims.Exp), 0)
	switch {
	case iat.After(now.Add(clockSkew)):
		return unauthorized("'Issued at' claim ('iat') must be an Integer representing a time in the past")
	case !exp.After(now):
		return unauthorized("'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires")
	case exp.After(now.Add(maxJWTLifetime + clockSkew)), exp.Sub(iat) > maxJWTLifetime+clockSkew:
		return unauthorized("'Expiration time' claim ('exp') is too far in the future")
	}
	return nil
}

func decodeSegment(seg string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

func (s *Server) issueToken(installationID int64) *installToken {
	var raw [20]byte
	_, _ = rand.Read(raw[:])
	tok := &installToken{
		token:          "ghs_" + hex.EncodeToString(raw[:]),
		installationID: installationID,
		expiresAt:      time.Now().Add(tokenLifetime).UTC().Truncate(time.Second),
	}
	s.tokens[tok.token] = tok
	return tok
}

// InstallationToken issues a token for the installation directly, for tests
// that want a client without going through the JWT exchange.
func (s *Server) InstallationToken(installationID int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.installations[installationID] == nil {
		s.t.Fatalf("fakegithub: InstallationToken: no installation %d", installationID)
	}
	return s.issueToken(installationID).token
}

// repoFor resolves {owner}/{repo} and checks the token may see it; GitHub
// answers 404 for repositories outside the installation.
func (c *call) repoFor() (*repo, error) {
	r := c.s.repos[strings.ToLower(c.param("owner")+"/"+c.param("repo"))]
	if r == nil {
		return nil, notFound()
	}
	if c.token != nil {
		inst := c.s.installations[c.token.installationID]
		if inst == nil || !contains(inst.repos, strings.ToLower(r.fullName())) {
			return nil, notFound()
		}
	}
	return r, nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
