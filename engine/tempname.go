package engine

import "strings"

// maxNameLen is the API's limit on server names.
const maxNameLen = 63

// tempInfix and tempTagLen make the temporary name of a
// create_before_destroy replacement: NAME-cbd-TAG, TAG being four
// lowercase letters or digits.
const (
	tempInfix  = "-cbd-"
	tempTagLen = 4
)

// TempName is the temporary name of a create_before_destroy replacement
// of name: name + "-cbd-" + tag (four lowercase letters or digits), with
// name cut so that the result stays within the API's 63 characters.
func TempName(name, tag string) string {
	suffix := tempInfix + tag
	if len(name)+len(suffix) > maxNameLen {
		name = name[:maxNameLen-len(suffix)]
	}
	return name + suffix
}

// IsTempName reports whether tmp is a temporary name TempName gives for
// name, with any tag.
func IsTempName(tmp, name string) bool {
	if len(tmp) < len(tempInfix)+tempTagLen {
		return false
	}
	tag := tmp[len(tmp)-tempTagLen:]
	for i := 0; i < len(tag); i++ {
		if c := tag[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return TempName(name, tag) == tmp && strings.Contains(tmp, tempInfix)
}
