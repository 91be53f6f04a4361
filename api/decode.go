package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// maxDetailLen bounds a Detail made from a non-JSON body, so an HTML error
// page becomes a short message rather than a screenful.
const maxDetailLen = 120

// maxMessageLen bounds each message the API sent as JSON (the detail, each
// field message), and maxFields the number of fields kept, so that a
// hostile answer cannot make an error the size of the answer.
const (
	maxMessageLen = 500
	maxFields     = 50
)

// errorBody is what an error answer's body says, in DRF conventions.
type errorBody struct {
	Detail string
	Fields map[string][]string
}

// decodeErrorBody reads a DRF error body: {"detail": "..."} or
// {"field": ["msg", ...], ...}. A field whose value is a single string is
// taken as one message; "non_field_errors" is kept as a field. A body that
// is not a JSON object becomes a short Detail describing it. Every text is
// redacted by r before it is cut (see maxMessageLen, maxFields). It never
// fails.
func decodeErrorBody(r *redactor, contentType string, body []byte) errorBody {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return errorBody{}
	}
	var raw map[string]json.RawMessage
	if trimmed[0] != '{' || json.Unmarshal(trimmed, &raw) != nil {
		return errorBody{Detail: describeBody(r, contentType, trimmed)}
	}
	var out errorBody
	keys := make([]string, 0, len(raw))
	for key := range raw {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for i, key := range keys {
		value := raw[key]
		if key == "detail" {
			var s string
			if json.Unmarshal(value, &s) == nil {
				out.Detail = r.message(s)
				continue
			}
		}
		msgs := fieldMessages(r, value)
		if len(msgs) == 0 {
			continue
		}
		if out.Fields == nil {
			out.Fields = make(map[string][]string)
		}
		if len(out.Fields) == maxFields {
			out.Fields["…"] = []string{fmt.Sprintf("%d more fields not shown", len(keys)-i)}
			break
		}
		out.Fields[r.message(key)] = msgs
	}
	return out
}

// fieldMessages reads a field's messages: a list of strings, one string,
// or anything else shown as its JSON text (re-encoded, so that escapes
// cannot hide the token from r), each redacted and cut.
func fieldMessages(r *redactor, value json.RawMessage) []string {
	var list []string
	if json.Unmarshal(value, &list) == nil {
		for i, m := range list {
			list[i] = r.message(m)
		}
		return list
	}
	var one string
	if json.Unmarshal(value, &one) == nil {
		return []string{r.message(one)}
	}
	return []string{r.shorten(plainJSON(value))}
}

// plainJSON is value as sent or, if it holds escapes, re-encoded without
// escapes beyond what JSON needs: {"x":"\u0074ok"} is shown {"x":"tok"}.
func plainJSON(value json.RawMessage) string {
	if !bytes.ContainsRune(value, '\\') {
		return string(value)
	}
	var v any
	if json.Unmarshal(value, &v) != nil {
		return string(value)
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return string(value)
	}
	return strings.TrimSpace(b.String())
}

var htmlTitle = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
var htmlTag = regexp.MustCompile(`(?s)<[^>]*>`)

// describeBody turns a non-JSON body into a short one-line description,
// e.g. `non-JSON answer (text/html): 502 Bad Gateway`, redacted by r.
func describeBody(r *redactor, contentType string, body []byte) string {
	text := string(body)
	if m := htmlTitle.FindStringSubmatch(text); m != nil {
		text = m[1]
	} else {
		text = htmlTag.ReplaceAllString(text, " ")
	}
	kind := "non-JSON answer"
	if contentType != "" {
		kind = fmt.Sprintf("non-JSON answer (%s)", r.shorten(contentType))
	}
	text = r.shorten(text)
	if text == "" {
		return kind
	}
	return kind + ": " + text
}

// listPage is one page of GET /api/v1/servers/.
type listPage struct {
	Count    int      `json:"count"`
	Next     *string  `json:"next"`
	Previous *string  `json:"previous"`
	Results  []Server `json:"results"`
}

// decodeJSON decodes a success body into v. An empty or malformed body is
// an error that says what was wrong with it.
func decodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return fmt.Errorf("empty answer where a JSON object was expected")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("malformed JSON in answer: %w", err)
	}
	return nil
}
