package apply

import "math/rand/v2"

// maxNameLen is the API's limit on server names.
const maxNameLen = 63

// randomTempName is the default create_before_destroy temporary name:
// name + "-cbd-" + 4 random lowercase letters or digits, with name cut so
// the result stays within the API's 63 characters.
func randomTempName(name string) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	suffix := make([]byte, 0, 9)
	suffix = append(suffix, "-cbd-"...)
	for range 4 {
		suffix = append(suffix, alphabet[rand.IntN(len(alphabet))])
	}
	if len(name)+len(suffix) > maxNameLen {
		name = name[:maxNameLen-len(suffix)]
	}
	return name + string(suffix)
}
