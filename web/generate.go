package web

// dist/ is built from src/ and node_modules/ (after `npm ci`) by esbuild's
// Go API; see internal/bundle.
//go:generate go run ./internal/gen
