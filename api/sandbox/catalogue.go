package sandbox

// plan is one VPS size the account sells.
type plan struct {
	ID        int64
	Name      string
	VCPUs     int
	Memory    int // MB
	Storage   int // GB
	Bandwidth int // GB a month
	Price     int64
}

// osImage is one operating system a server can be installed with.
type osImage struct {
	ID   int64
	Name string
}

// plans is the plan catalogue: the documentation's two plans plus a
// larger one.
var plans = map[int64]plan{
	1: {ID: 1, Name: "Standard VPS", VCPUs: 2, Memory: 4096, Storage: 80, Bandwidth: 2048, Price: 10},
	2: {ID: 2, Name: "Performance VPS", VCPUs: 4, Memory: 8192, Storage: 160, Bandwidth: 4096, Price: 20},
	3: {ID: 3, Name: "Enterprise VPS", VCPUs: 8, Memory: 16384, Storage: 320, Bandwidth: 8192, Price: 40},
}

// osImages is the OS catalogue: the documentation's two images plus two
// more.
var osImages = map[int64]osImage{
	3: {ID: 3, Name: "Debian 12"},
	5: {ID: 5, Name: "Ubuntu 22.04 LTS"},
	6: {ID: 6, Name: "Ubuntu 24.04 LTS"},
	7: {ID: 7, Name: "Rocky Linux 9"},
}

// locations are the data-centre codes servers can be placed in.
var locations = map[string]bool{
	"us-west":    true,
	"us-east":    true,
	"eu-central": true,
}
