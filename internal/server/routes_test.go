package server

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/picket-ais/picket/internal/access"
)

// publicRoutes are the routes anyone may call: logging in and out, the
// liveness check (whose details need an admin, TestAccessAuth), the
// answers 405 to other methods on /healthz and /metrics, and the web
// map's files (its data comes through the API).
var publicRoutes = []string{"POST /api/login", "POST /api/logout", "GET /healthz", "/healthz", "/metrics", "/"}

// fallbackRoutes serve no data: /api/ answers 404 (or 405) for an
// endpoint that does not exist, to a logged-in user only.
var fallbackRoutes = map[string]access.Role{"/api/": access.Viewer}

// TestEveryRouteIsChecked enumerates the router: every route is either
// public, by name above, or in protectedRoutes with the role it needs,
// which TestAccessAuth calls without a token, with a bad one and with
// every lower role. A route added without its place here fails, so an
// endpoint that forgets the partner's clearance cannot slip in unseen.
func TestEveryRouteIsChecked(t *testing.T) {
	f := newFixture(t, Options{})
	template := regexp.MustCompile(`\{[^}]+\}`)
	protected := map[string]access.Role{}
	for _, r := range protectedRoutes {
		// The fixture's paths name real MMSIs where the patterns have
		// {mmsi}: compare by shape.
		// A query (what a route needs to answer 200) is not part of it.
		path, _, _ := strings.Cut(r.path, "?")
		p := regexp.MustCompile(`/[0-9]+(/|$)`).ReplaceAllString(path, "/{}$1")
		protected[p] = r.role
	}
	if len(f.srv.routes) == 0 {
		t.Fatal("the router has no routes")
	}
	for pattern, rt := range f.srv.routes {
		if slices.Contains(publicRoutes, pattern) {
			if rt.role != "" {
				t.Errorf("%s is listed public but needs %s", pattern, rt.role)
			}
			continue
		}
		if role, ok := fallbackRoutes[pattern]; ok {
			if rt.role != role || rt.action != "" {
				t.Errorf("%s: role %q action %q, want %s and no action", pattern, rt.role, rt.action, role)
			}
			continue
		}
		method, path, _ := strings.Cut(pattern, " ")
		if method != "GET" {
			i := slices.IndexFunc(changingRoutes, func(c struct {
				pattern, method, path, body string
				role                        access.Role
			}) bool {
				return c.pattern == pattern
			})
			switch {
			case i < 0:
				t.Errorf("%s: a route that changes state needs its own access test (changingRoutes, TestAccessRules)", pattern)
			case rt.role != changingRoutes[i].role:
				t.Errorf("%s needs %s, the access tests expect %s", pattern, rt.role, changingRoutes[i].role)
			}
			continue
		}
		shape := template.ReplaceAllString(path, "{}")
		role, ok := protected[shape]
		switch {
		case !ok:
			t.Errorf("%s is in neither the protected routes of the access tests nor the public ones", pattern)
		case rt.role == "":
			t.Errorf("%s needs no role, but the access tests expect %s", pattern, role)
		case rt.role != role:
			t.Errorf("%s needs %s, the access tests expect %s", pattern, rt.role, role)
		}
		delete(protected, shape)
	}
	for p := range protected {
		t.Errorf("the access tests check %s, which the router does not have", p)
	}
}

// TestHandlersReadThroughScope: no code of the server reads the store
// but through a request's scope (scope.go), which applies the view's
// clearance to every read, and the operator's health check (health.go,
// whose details need an admin cleared for every feed). A handler that
// reads the store itself could forget a partner's clearance; this test
// names it.
func TestHandlersReadThroughScope(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "scope.go" || name == "health.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "st" {
				if fn, ok := sel.X.(*ast.Ident); ok && fn.Name == "s" {
					t.Errorf("%s: reads the store directly (s.st): read through s.scope(view)", fset.Position(sel.Pos()))
				}
			}
			return true
		})
	}
}
