package schema

// maxNameLen and maxHostnameLen are the API's length limits (DESIGN §2).
const (
	maxNameLen     = 63
	maxHostnameLen = 253
)

// ValidServerName reports whether name is a valid VPS.org server name: a
// letter first, then letters, digits and hyphens, at most 63 characters.
func ValidServerName(name string) bool {
	if name == "" || len(name) > maxNameLen || !isLetter(name[0]) {
		return false
	}
	for i := 1; i < len(name); i++ {
		if !isNameChar(name[i]) {
			return false
		}
	}
	return true
}

// ValidHostname reports whether h is a valid hostname: a fully qualified
// domain name of two or more dot-separated, non-empty labels made of
// letters, digits and hyphens, at most 253 characters in all.
func ValidHostname(h string) bool {
	if h == "" || len(h) > maxHostnameLen {
		return false
	}
	labels, labelLen := 1, 0
	for i := 0; i < len(h); i++ {
		switch c := h[i]; {
		case c == '.':
			if labelLen == 0 {
				return false
			}
			labels++
			labelLen = 0
		case isNameChar(c):
			labelLen++
		default:
			return false
		}
	}
	return labelLen > 0 && labels >= 2
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isNameChar(c byte) bool { return isLetter(c) || c >= '0' && c <= '9' || c == '-' }

// nameRule and hostnameRule state the rules in diagnostics.
const (
	nameRule     = "A server name starts with a letter, continues with letters, digits and hyphens, and is at most 63 characters long."
	hostnameRule = "A hostname is a fully qualified domain name: two or more dot-separated labels of letters, digits and hyphens (for example web-1.example.com), at most 253 characters long."
)
