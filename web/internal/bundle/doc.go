// Package bundle builds the page's dist/ from src/ and node_modules/ with
// esbuild's Go API. It is used by `go generate ./web` (internal/gen) and by
// the test that checks the committed dist/ is fresh, so both build the
// same bytes.
package bundle
