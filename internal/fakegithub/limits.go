package fakegithub

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// MaxBody is GitHub's limit on the body of an issue, a pull request or a
// comment, in characters.
const MaxBody = 65536

// bodyResources are the operations whose "body" GitHub bounds, with the
// resource its 422 names.
var bodyResources = map[string]string{
	"issues/create": "Issue", "issues/update": "Issue",
	"issues/create-comment": "IssueComment", "issues/update-comment": "IssueComment",
	"pulls/create": "PullRequest", "pulls/update": "PullRequest",
}

// checkBodyLength refuses a body over MaxBody characters with GitHub's 422.
func checkBodyLength(c *call) error {
	resource, bounded := bodyResources[c.op.id]
	if !bounded || len(c.body) <= MaxBody {
		return nil
	}
	var in struct {
		Body *string `json:"body"`
	}
	if json.Unmarshal(c.body, &in) != nil || in.Body == nil {
		return nil
	}
	if n := utf8.RuneCountInString(*in.Body); n > MaxBody {
		return unprocessable(resource, "body", "custom", fmt.Sprintf("body is too long (maximum is %d characters)", MaxBody))
	}
	return nil
}
