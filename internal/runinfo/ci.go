package runinfo

// ciSystem is how one CI system names its run: the variable holding the
// run id, and how to build the run's web page from the environment.
type ciSystem struct {
	idVar string
	url   func(getenv func(string) string) string
}

// ciSystems in the order they are looked for. BUILD_ID is last: Jenkins
// sets it, but so do other tools, and a more specific variable wins.
var ciSystems = []ciSystem{
	{"GITHUB_RUN_ID", func(getenv func(string) string) string {
		server, repo, id := getenv("GITHUB_SERVER_URL"), getenv("GITHUB_REPOSITORY"), getenv("GITHUB_RUN_ID")
		if server == "" || repo == "" {
			return ""
		}
		return server + "/" + repo + "/actions/runs/" + id
	}},
	{"CI_PIPELINE_ID", envURL("CI_PIPELINE_URL")},         // GitLab
	{"BUILDKITE_BUILD_ID", envURL("BUILDKITE_BUILD_URL")}, // Buildkite
	{"CIRCLE_WORKFLOW_ID", envURL("CIRCLE_BUILD_URL")},    // CircleCI
	{"BUILD_BUILDID", envURL("")},                         // Azure Pipelines
	{"BITBUCKET_BUILD_NUMBER", envURL("")},                // Bitbucket Pipelines
	{"DRONE_BUILD_NUMBER", envURL("DRONE_BUILD_LINK")},    // Drone, Woodpecker
	{"BUILD_ID", envURL("BUILD_URL")},                     // Jenkins and others
}

func envURL(name string) func(getenv func(string) string) string {
	return func(getenv func(string) string) string {
		if name == "" {
			return ""
		}
		return getenv(name)
	}
}

// CIRun names the CI run this process belongs to, read with getenv: the
// id as VARIABLE=value ("GITHUB_RUN_ID=8123456789", "CI_PIPELINE_ID=42",
// "BUILD_ID=17", ...) and the run's web page when the CI system gives
// one. Both are empty outside a known CI system.
func CIRun(getenv func(string) string) (id, url string) {
	for _, s := range ciSystems {
		if v := getenv(s.idVar); v != "" {
			return s.idVar + "=" + v, s.url(getenv)
		}
	}
	return "", ""
}
