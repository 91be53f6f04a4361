package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// maxDetailLen bounds a Detail made from a non-JSON body, so an HTML error
// page becomes a short message rather than a screenful.
const maxDetailLen = 120

// errorBody is what an error answer's body says, in DRF conventions.
type errorBody struct {
	Detail string
	Fields map[string][]string
}

// decodeErrorBody reads a DRF error body: {"detail": "..."} or
// {"field": ["msg", ...], ...}. A field whose value is a single string is
// taken as one message; "non_field_errors" is kept as a field. A body that
// is not a JSON object becomes a short Detail describing it. It never fails.
func decodeErrorBody(contentType string, body []byte) errorBody {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return errorBody{}
	}
	var raw map[string]json.RawMessage
	if trimmed[0] != '{' || json.Unmarshal(trimmed, &raw) != nil {
		return errorBody{Detail: describeBody(contentType, trimmed)}
	}
	var out errorBody
	for key, value := range raw {
		if key == "detail" {
			var s string
			if json.Unmarshal(value, &s) == nil {
				out.Detail = s
				continue
			}
		}
		msgs := fieldMessages(value)
		if len(msgs) == 0 {
			continue
		}
		if out.Fields == nil {
			out.Fields = make(map[string][]string)
		}
		out.Fields[key] = msgs
	}
	return out
}

// fieldMessages reads a field's messages: a list of strings, one string,
// or anything else shown as its JSON text.
func fieldMessages(value json.RawMessage) []string {
	var list []string
	if json.Unmarshal(value, &list) == nil {
		return list
	}
	var one string
	if json.Unmarshal(value, &one) == nil {
		return []string{one}
	}
	return []string{shorten(string(value))}
}

var htmlTitle = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
var htmlTag = regexp.MustCompile(`(?s)<[^>]*>`)

// describeBody turns a non-JSON body into a short one-line description,
// e.g. `non-JSON answer (text/html): 502 Bad Gateway`.
func describeBody(contentType string, body []byte) string {
	text := string(body)
	if m := htmlTitle.FindStringSubmatch(text); m != nil {
		text = m[1]
	} else {
		text = htmlTag.ReplaceAllString(text, " ")
	}
	kind := "non-JSON answer"
	if contentType != "" {
		kind = fmt.Sprintf("non-JSON answer (%s)", shorten(contentType))
	}
	text = shorten(text)
	if text == "" {
		return kind
	}
	return kind + ": " + text
}

// shorten collapses whitespace, drops invalid UTF-8 and cuts s to
// maxDetailLen runes.
func shorten(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= maxDetailLen {
		return s
	}
	runes := []rune(s)
	return string(runes[:maxDetailLen]) + "…"
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
