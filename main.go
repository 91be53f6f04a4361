// Command vpsfleet keeps a fleet of VPS.org servers the way its HCL fleet
// files say: plan shows the changes, apply makes them. The command line
// lives in internal/cli.
package main

import (
	"os"

	"github.com/vpsfleet/vpsfleet/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }
