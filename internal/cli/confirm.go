package cli

import (
	"bufio"
	"fmt"
	"strings"
)

// confirm asks question on a terminal before command ("apply" or
// "destroy") changes anything, and reports whether the answer was exactly
// "yes". Any other answer, the end of input, or Ctrl-C at the prompt
// cancels, saying so ("Apply cancelled"); the caller then exits 1, as
// Terraform does. Without a terminal it refuses and says how to approve.
func (c *cli) confirm(question, command string) bool {
	if !c.stdinTTY {
		advice := "In pipelines, review the plan and pass -auto-approve."
		if command == "apply" {
			advice = "In pipelines, review the plan and pass -auto-approve (or apply a saved plan: vpsfleet plan -out FILE, then vpsfleet apply FILE)."
		}
		c.errorf("no terminal to ask for confirmation; nothing was changed.\n%s", advice)
		return false
	}
	cancelled := strings.ToUpper(command[:1]) + command[1:] + " cancelled"
	sigs, stop := c.promptInterrupts()
	defer stop()
	fmt.Fprintf(c.stdout, "\n%s\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ", question)
	answer := make(chan string, 1)
	go func() {
		// On Ctrl-C this read is left waiting; the process ends soon
		// after, since a cancelled command changes nothing.
		line, _ := bufio.NewReader(c.stdin).ReadString('\n')
		answer <- line
	}()
	select {
	case line := <-answer:
		if strings.TrimSpace(line) != "yes" {
			fmt.Fprintf(c.stdout, "\n%s; nothing was changed.\n", cancelled)
			return false
		}
	case <-sigs:
		fmt.Fprintln(c.stdout)
		c.errorf("%s (Ctrl-C at the prompt); nothing was changed.", cancelled)
		return false
	}
	fmt.Fprintln(c.stdout)
	return true
}
