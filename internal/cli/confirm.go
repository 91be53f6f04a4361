package cli

import (
	"bufio"
	"fmt"
	"strings"
)

// confirm asks question on a terminal and reports whether the answer was
// exactly "yes". Without a terminal it refuses and says how to approve.
func (c *cli) confirm(question string) bool {
	if !c.stdinTTY {
		c.errorf("no terminal to ask for confirmation; nothing was changed.\nIn pipelines, review the plan and pass -auto-approve (or apply a saved plan: vpsfleet plan -out FILE, then vpsfleet apply FILE).")
		return false
	}
	fmt.Fprintf(c.stdout, "\n%s\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ", question)
	line, _ := bufio.NewReader(c.stdin).ReadString('\n')
	if strings.TrimSpace(line) != "yes" {
		fmt.Fprintf(c.stdout, "\nApply cancelled; nothing was changed.\n")
		return false
	}
	fmt.Fprintln(c.stdout)
	return true
}
