package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// maxBodyBytes bounds request bodies.
const maxBodyBytes = 1 << 20

// Validation messages, as the framework words them.
const (
	msgRequired   = "This field is required."
	msgNull       = "This field may not be null."
	msgBlank      = "This field may not be blank."
	msgNotString  = "Not a valid string."
	msgNotInteger = "A valid integer is required."
	msgNotBool    = "Must be a valid boolean."
)

// bodyError is a request body that is not a JSON object: status and the
// answer to send.
type bodyError struct {
	status int
	body   any
}

// readObject reads the request body as a JSON object. An empty body is an
// empty object, as the framework treats it.
func readObject(r *http.Request) (map[string]any, *bodyError) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, &bodyError{http.StatusBadRequest, wireDetailError{"Could not read the request body: " + err.Error()}}
	}
	if len(data) > maxBodyBytes {
		return nil, &bodyError{http.StatusRequestEntityTooLarge,
			wireDetailError{fmt.Sprintf("Request body is larger than %d bytes.", maxBodyBytes)}}
	}
	return parseObject(data)
}

// parseObject decodes a body; see readObject.
func parseObject(data []byte) (map[string]any, *bodyError) {
	if len(bytes.TrimSpace(data)) == 0 {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	if err == nil {
		if _, terr := dec.Token(); !errors.Is(terr, io.EOF) {
			err = fmt.Errorf("extra data after the JSON value at offset %d", dec.InputOffset())
		}
	}
	if err != nil {
		return nil, &bodyError{http.StatusBadRequest, wireDetailError{"JSON parse error - " + err.Error()}}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		var e fieldErrors
		e.add("non_field_errors", fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", pythonType(v)))
		return nil, &bodyError{http.StatusBadRequest, &e}
	}
	return obj, nil
}

// pythonType names a JSON value's type the way the framework's messages do.
func pythonType(v any) string {
	switch v := v.(type) {
	case []any:
		return "list"
	case string:
		return "str"
	case bool:
		return "bool"
	case json.Number:
		if _, err := v.Int64(); err == nil {
			return "int"
		}
		return "float"
	case nil:
		return "NoneType"
	}
	return "dict"
}

// stringValue converts a JSON value for a text field: strings are
// trimmed, numbers taken as their text; it returns an error message when
// the value is not acceptable.
func stringValue(v any) (string, string) {
	switch v := v.(type) {
	case nil:
		return "", msgNull
	case string:
		s := strings.TrimSpace(v)
		if s == "" {
			return "", msgBlank
		}
		return s, ""
	case json.Number:
		return v.String(), ""
	}
	return "", msgNotString
}

// intValue converts a JSON value for an integer field: integral numbers
// and strings holding one are accepted.
func intValue(v any) (int64, string) {
	var text string
	switch v := v.(type) {
	case nil:
		return 0, msgNull
	case json.Number:
		text = v.String()
	case string:
		text = strings.TrimSpace(v)
	default:
		return 0, msgNotInteger
	}
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		return n, ""
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, msgNotInteger
	}
	return int64(f), ""
}

// boolValue converts a JSON value for a boolean field, accepting the
// framework's spellings of true and false.
func boolValue(v any) (bool, string) {
	switch v := v.(type) {
	case nil:
		return false, msgNull
	case bool:
		return v, ""
	case json.Number:
		if f, err := v.Float64(); err == nil {
			if f == 1 {
				return true, ""
			}
			if f == 0 {
				return false, ""
			}
		}
	case string:
		switch v {
		case "t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1":
			return true, ""
		case "f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0":
			return false, ""
		}
	}
	return false, msgNotBool
}
