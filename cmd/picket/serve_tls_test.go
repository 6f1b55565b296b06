package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/access"
)

// selfSigned writes a certificate for 127.0.0.1 and its key into dir.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "picket test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestServeTLSAndLabels runs picket serve with a config: HTTPS with the
// configured certificate, tokens from the data directory, each partner's
// clearance from the feeds' labels, and a label naming an unknown
// partner refused before anything starts.
func TestServeTLSAndLabels(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	certFile, keyFile, pool := selfSigned(t, dir)
	secrets := map[string]string{}
	err := access.Update(data, func(r *access.Registry) error {
		for _, p := range []string{"JPN", "GBR", "USA"} {
			if err := r.AddPartner(p, nil); err != nil {
				return err
			}
		}
		if err := r.AddPartner("NATO", []string{"GBR", "USA"}); err != nil {
			return err
		}
		for _, p := range []string{"JPN", "GBR", "USA"} {
			name := strings.ToLower(p) + "-user"
			if err := r.AddUser(name, p, access.Viewer, ""); err != nil {
				return err
			}
			s, _, err := r.CreateToken(name, "test", time.Hour, time.Now())
			if err != nil {
				return err
			}
			secrets[p] = s
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	config := func(label string) string {
		return writeConfig(t, `listen: 127.0.0.1:0
data: `+data+`
tls: {cert: `+certFile+`, key: `+keyFile+`}
feeds:
  - {name: jpn-coast, partner: JPN, label: "REL TO JPN", kind: tcp-listen, address: "127.0.0.1:0"}
  - {name: nato-sat, partner: GBR, label: "`+label+`", kind: udp, address: "127.0.0.1:0"}
`)
	}

	// A label naming a partner nobody added.
	err = runServe(context.Background(), &serveFlags{config: config("REL TO NATO, XYZ")}, nil)
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "XYZ") || !strings.Contains(err.Error(), "feed index 1") {
		t.Fatalf("unknown partner in a label: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, &serveFlags{config: config("REL TO NATO, JPN")}, func(u string) { urls <- u })
	}()
	var url string
	select {
	case url = <-urls:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("serving %s, want https", url)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	get := func(token, path string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", url+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return resp.StatusCode, []byte(b.String())
	}
	if code, _ := get("", "api/vessels"); code != http.StatusUnauthorized {
		t.Errorf("no token: %d", code)
	}
	for p, want := range map[string]string{"JPN": "jpn-coast,nato-sat", "GBR": "nato-sat", "USA": "nato-sat"} {
		code, body := get(secrets[p], "api/me")
		var m struct {
			Partner   string   `json:"partner"`
			Clearance []string `json:"clearance"`
		}
		if err := json.Unmarshal(body, &m); code != http.StatusOK || err != nil || m.Partner != p || strings.Join(m.Clearance, ",") != want {
			t.Errorf("%s: %d %s, want clearance %s", p, code, body, want)
		}
	}
	if code, body := get(secrets["JPN"], "api/vessels"); code != http.StatusOK {
		t.Errorf("vessels: %d %s", code, body)
	}
	// Plain HTTP on the TLS port gets nowhere.
	if resp, err := http.Get(strings.Replace(url, "https://", "http://", 1) + "healthz"); err == nil {
		if resp.StatusCode == http.StatusOK {
			t.Error("plain HTTP answered 200 on the TLS port")
		}
		resp.Body.Close()
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve stopped with %v", err)
	}
	b, err := os.ReadFile(filepath.Join(data, access.AuditFile))
	if err != nil || !strings.Contains(string(b), `"user":"jpn-user","partner":"JPN"`) || !strings.Contains(string(b), `"path":"/api/vessels","status":200`) {
		t.Errorf("audit log: %v\n%s", err, b)
	}
	for _, s := range secrets {
		if strings.Contains(string(b), s) {
			t.Error("a token is in the audit log")
		}
	}
	// The data directory remembers each feed's bit.
	r, err := access.Load(data)
	if err != nil || len(r.Feeds) != 2 || r.Feeds[0] != (access.FeedRecord{Name: "jpn-coast", Bit: 0, Owner: "JPN", Label: "REL TO JPN"}) ||
		r.Feeds[1] != (access.FeedRecord{Name: "nato-sat", Bit: 1, Owner: "GBR", Label: "REL TO NATO, JPN"}) {
		t.Errorf("feed records %+v, %v", r.Feeds, err)
	}
}
