package words

import "testing"

func TestWords(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{Count(1, "server"), "1 server"},
		{Count(0, "server"), "0 servers"},
		{Count(3, "power change"), "3 power changes"},
		{IsAre(1), "is"}, {IsAre(2), "are"},
		{ItThem(1), "it"}, {ItThem(0), "them"},
		{Plural(1, "server was", "servers were"), "server was"},
		{Plural(5, "server was", "servers were"), "servers were"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
