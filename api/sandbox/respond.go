package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// writeJSON answers with v encoded as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		data = []byte(`{"detail":"A server error occurred."}`)
	}
	writeBody(w, status, "application/json", data)
}

// writeDetail answers with a DRF {"detail": "..."} error.
func writeDetail(w http.ResponseWriter, status int, detail string) {
	writeJSON(w, status, wireDetailError{Detail: detail})
}

// writeClosed answers a request that reached a closed Account.
func writeClosed(w http.ResponseWriter) {
	writeDetail(w, http.StatusServiceUnavailable, "The sandbox account is closed; start it again to continue.")
}

// writeHTML answers with an HTML page, as a crashed app or proxy does.
func writeHTML(w http.ResponseWriter, status int, page string) {
	writeBody(w, status, "text/html; charset=utf-8", []byte(page))
}

func writeBody(w http.ResponseWriter, status int, contentType string, data []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Vary", "Accept")
	w.WriteHeader(status)
	w.Write(data)
}

// fieldErrors are DRF per-field validation errors, kept in the order the
// fields were checked so the JSON object lists them in that order.
type fieldErrors struct {
	keys []string
	msgs map[string][]string
}

// add records a message for a field.
func (e *fieldErrors) add(field, msg string) {
	if e.msgs == nil {
		e.msgs = make(map[string][]string)
	}
	if _, ok := e.msgs[field]; !ok {
		e.keys = append(e.keys, field)
	}
	e.msgs[field] = append(e.msgs[field], msg)
}

// empty reports whether no error was recorded.
func (e *fieldErrors) empty() bool { return len(e.keys) == 0 }

// MarshalJSON renders {"field": ["message", ...], ...} in check order.
func (e *fieldErrors) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range e.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		key, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		msgs, err := json.Marshal(e.msgs[k])
		if err != nil {
			return nil, err
		}
		b.Write(key)
		b.WriteByte(':')
		b.Write(msgs)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
