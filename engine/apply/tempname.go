package apply

import (
	"math/rand/v2"

	"github.com/vpsfleet/vpsfleet/engine"
)

// randomTempName is the default create_before_destroy temporary name:
// engine.TempName with a tag of 4 random lowercase letters or digits.
func randomTempName(name string) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	tag := make([]byte, 4)
	for i := range tag {
		tag[i] = alphabet[rand.IntN(len(alphabet))]
	}
	return engine.TempName(name, string(tag))
}
