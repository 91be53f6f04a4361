package schema

import (
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/vpsfleet/vpsfleet/internal/suggest"
)

// unsupportedArgument matches hcl's detail for an unexpected attribute.
var unsupportedArgument = regexp.MustCompile(`^An argument named "([^"]+)" is not expected here\.$`)

// bodyContent is body.Content(schema) with a "Did you mean" suggestion
// added to every unexpected attribute that is close to an expected one.
func bodyContent(body hcl.Body, schema *hcl.BodySchema) (*hcl.BodyContent, hcl.Diagnostics) {
	content, diags := body.Content(schema)
	for _, d := range diags {
		m := unsupportedArgument.FindStringSubmatch(d.Detail)
		if m == nil {
			continue
		}
		names := make([]string, 0, len(schema.Attributes))
		for _, a := range schema.Attributes {
			names = append(names, a.Name)
		}
		if s := suggest.Closest(m[1], names); s != "" {
			d.Detail += ` Did you mean "` + s + `"?`
		} else if len(names) == 0 {
			blocks := make([]string, 0, len(schema.Blocks))
			for _, b := range schema.Blocks {
				blocks = append(blocks, b.Type)
			}
			d.Detail += " Only blocks are allowed here: " + strings.Join(blocks, ", ") + "."
		} else {
			d.Detail += " Expected arguments here: " + strings.Join(names, ", ") + "."
		}
	}
	return content, diags
}
