package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// Unverified bodies are bounded: until its signature has been checked a
// body is an anonymous stranger's, so at most this many bytes of such
// bodies are held at once, by at most this many requests. A request that
// would go over is answered 503 with Retry-After before (or while) its body
// is read. GitHub's own payloads are rarely over 1 MB.
const (
	DefaultUnverifiedBytes    = 32 << 20
	DefaultUnverifiedRequests = 64
)

// readChunk is how much of a body of unknown length is reserved and read
// at a time.
const readChunk = 64 << 10

// rejection is an answer given before a delivery is trusted.
type rejection struct {
	status int
	reason string
}

// errBusy answers a request over the unverified budget (with Retry-After).
var errBusy = &rejection{http.StatusServiceUnavailable, "too many unverified deliveries in flight; retry shortly"}

// unverifiedBudget counts the requests and bytes of bodies being read
// before their signature is known. It never blocks: over budget is busy.
type unverifiedBudget struct {
	mu                    sync.Mutex
	bytes, requests       int64
	maxBytes, maxRequests int64
}

func (b *unverifiedBudget) enter() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.requests >= b.maxRequests {
		return false
	}
	b.requests++
	return true
}

func (b *unverifiedBudget) leave(held int64) {
	b.mu.Lock()
	b.requests--
	b.bytes -= held
	b.mu.Unlock()
}

func (b *unverifiedBudget) take(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bytes+n > b.maxBytes {
		return false
	}
	b.bytes += n
	return true
}

// signatureOf decodes an X-Hub-Signature-256 value ("sha256=" and 64 hex
// digits); anything else is no signature.
func signatureOf(header string) ([]byte, bool) {
	hexSum, ok := strings.CutPrefix(header, "sha256=")
	if !ok || len(hexSum) != 2*sha256.Size {
		return nil, false
	}
	sum, err := hex.DecodeString(hexSum)
	return sum, err == nil
}

// readSigned reads a request body within GitHub's size cap, computing its
// HMAC as it arrives, and returns it only if the signature matches. A
// missing or malformed signature and a declared length over the cap are
// refused before a byte is read; the bytes held while reading count against
// the unverified budget and are let go (verified or not) on return.
func (in *Intake) readSigned(r *http.Request) ([]byte, *rejection) {
	want, ok := signatureOf(r.Header.Get("X-Hub-Signature-256"))
	if !ok {
		if r.Header.Get("X-Hub-Signature-256") == "" {
			return nil, &rejection{http.StatusUnauthorized, "missing X-Hub-Signature-256"}
		}
		return nil, &rejection{http.StatusUnauthorized, "signature does not match"}
	}
	if r.ContentLength > MaxBody {
		return nil, &rejection{http.StatusRequestEntityTooLarge, "payload larger than GitHub's 25 MB cap"}
	}
	if !in.budget.enter() {
		return nil, errBusy
	}
	var held int64
	defer func() { in.budget.leave(held) }()

	reserve := int64(readChunk)
	if r.ContentLength >= 0 {
		// One byte more than declared lets the read see the end of the body.
		reserve = r.ContentLength + 1
	}
	if !in.budget.take(reserve) {
		return nil, errBusy
	}
	held = reserve
	mac := hmac.New(sha256.New, in.secret)
	body := make([]byte, 0, reserve)
	for {
		if len(body) == cap(body) {
			grow := min(max(int64(cap(body)), readChunk), MaxBody+1-int64(len(body)))
			if grow <= 0 {
				return nil, &rejection{http.StatusRequestEntityTooLarge, "payload larger than GitHub's 25 MB cap"}
			}
			if !in.budget.take(grow) {
				return nil, errBusy
			}
			held += grow
			body = slices.Grow(body, int(grow))
		}
		n, err := r.Body.Read(body[len(body):cap(body)])
		mac.Write(body[len(body) : len(body)+n])
		body = body[:len(body)+n]
		if int64(len(body)) > MaxBody {
			return nil, &rejection{http.StatusRequestEntityTooLarge, "payload larger than GitHub's 25 MB cap"}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &rejection{http.StatusBadRequest, "could not read the payload"}
		}
	}
	if !hmac.Equal(mac.Sum(nil), want) {
		return nil, &rejection{http.StatusUnauthorized, "signature does not match"}
	}
	return body, nil
}
