package fakegithub

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// WithResponseCheck makes the fake also validate each of its own JSON answers
// against the response schema GitHub documents, reporting mismatches with
// t.Errorf. The fake's own tests use it; it costs time, so it is opt-in.
func WithResponseCheck() Option { return func(s *Server) { s.checkResponses = true } }

func (s *Server) checkResponse(r *http.Request, op *operation, status int, header http.Header, body []byte) {
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: r, PathParams: op.pathParams, Route: op.route,
		},
		Status: status,
		Header: header,
		Body:   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			MultiError: true, IncludeResponseStatus: false,
		},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		s.t.Errorf("fakegithub: answer to %s %s (%s) does not match GitHub's schema: %v", r.Method, r.URL.Path, op.id, shorten(err))
	}
}

func shorten(err error) string {
	return truncate(fmt.Sprint(err), 2000)
}
