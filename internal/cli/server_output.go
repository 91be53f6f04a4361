package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/vpsfleet/vpsfleet/api"
)

// printJSON writes v as indented JSON with a trailing newline.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeServerTable prints servers as an aligned table.
func writeServerTable(w io.Writer, servers []api.Server) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tSTATUS\tIPV4\tLOCATION\tPLAN\tOS\tHOSTNAME")
	for _, srv := range servers {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", srv.ID, srv.Name, srv.Status, orDash(srv.IPAddress),
			srv.Location, srv.Plan.Name, srv.OS.Name, dashIfEmpty(srv.Hostname))
	}
	tw.Flush()
	fmt.Fprintf(w, "%d server(s)\n", len(servers))
}

// writeServerDetail prints one server as "field: value" lines.
func writeServerDetail(w io.Writer, srv *api.Server) {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s:\t%s\n", k, v) }
	row("ID", strconv.FormatInt(srv.ID, 10))
	row("Name", srv.Name)
	row("Hostname", dashIfEmpty(srv.Hostname))
	row("Status", string(srv.Status))
	row("IPv4", orDash(srv.IPAddress))
	if srv.IPv6Address != nil {
		row("IPv6", *srv.IPv6Address)
	}
	row("Location", srv.Location)
	plan := fmt.Sprintf("%d %s (%d vCPU, %d MB memory, %d GB storage", srv.Plan.ID, srv.Plan.Name, srv.Plan.VCPUs, srv.Plan.Memory, srv.Plan.Storage)
	if srv.Plan.Bandwidth != nil {
		plan += fmt.Sprintf(", %d GB bandwidth", *srv.Plan.Bandwidth)
	}
	row("Plan", plan+")")
	row("OS", fmt.Sprintf("%d %s", srv.OS.ID, srv.OS.Name))
	if srv.BackupsEnabled != nil {
		row("Backups", strconv.FormatBool(*srv.BackupsEnabled))
	}
	if u := srv.ResourceUsage; u != nil {
		row("Usage", fmt.Sprintf("CPU %.1f%%, memory %d MB, disk %d GB, bandwidth %d GB", u.CPUPercent, u.MemoryUsed, u.DiskUsed, u.BandwidthUsed))
	}
	row("Created", srv.CreatedAt.UTC().Format(time.RFC3339))
	row("Updated", srv.UpdatedAt.UTC().Format(time.RFC3339))
	if srv.Message != "" {
		row("Message", srv.Message)
	}
	tw.Flush()
}

func orDash(s *string) string {
	if s == nil || *s == "" {
		return "-"
	}
	return *s
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
