package server

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/xml"
	"io"
	"math/big"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/cot"
)

// cotMsg is what the test reads of a CoT event.
type cotMsg struct {
	UID    string `xml:"uid,attr"`
	Access string `xml:"access,attr"`
	Point  struct {
		Lat float64 `xml:"lat,attr"`
		Lon float64 `xml:"lon,attr"`
	} `xml:"point"`
	Detail struct {
		Contact struct {
			Callsign string `xml:"callsign,attr"`
		} `xml:"contact"`
		Track struct {
			Course string `xml:"course,attr"`
			Speed  string `xml:"speed,attr"`
		} `xml:"track"`
	} `xml:"detail"`
}

// TestCoTStreams: a CoT stream is a consumer with a partner's clearance.
// NMEA pushed into the fixture's feeds reaches JPN's TAK (TCP) and GBR's
// multicast (UDP) only as each partner may see it, each event marked
// with its own data's releasability; AUS, cleared for nothing, gets
// nothing.
func TestCoTStreams(t *testing.T) {
	tcpJ, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tcpJ.Close()
	tcpA, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tcpA.Close()
	udpG, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer udpG.Close()
	streams := []cot.Options{
		{Name: "jpn-tak", Partner: "JPN", Network: "tcp", Address: tcpJ.Addr().String(), MinInterval: time.Millisecond},
		{Name: "gbr-mcast", Partner: "GBR", Network: "udp", Address: udpG.LocalAddr().String(), MinInterval: time.Millisecond},
		{Name: "aus-tak", Partner: "AUS", Network: "tcp", Address: tcpA.Addr().String(), MinInterval: time.Millisecond},
	}
	var mu sync.Mutex
	got := map[string][]string{}
	read := func(name string, r io.Reader) {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "<event") {
				mu.Lock()
				got[name] = append(got[name], sc.Text())
				mu.Unlock()
			}
		}
	}
	accept := func(name string, ln net.Listener) {
		c, err := ln.Accept()
		if err == nil {
			go read(name, c)
		}
	}
	go accept("jpn-tak", tcpJ)
	go accept("aus-tak", tcpA)
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, _, err := udpG.ReadFrom(buf)
			if err != nil {
				return
			}
			read("gbr-mcast", strings.NewReader(string(buf[:n])))
		}
	}()
	f := newFixture(t, Options{CoT: streams})
	waitFor(t, "the streams' subscriptions", func() bool { return f.p.Stats().Subscribers >= 3 })

	const (
		sJ = 431900011 // heard by jpn-coast (REL TO JPN, USA, OPS)
		sG = 232900012 // heard by gbr-sat (REL TO NATO, OPS)
	)
	send := func(feed, line string) {
		c, err := net.Dial("tcp", f.p.Addr(feed).String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, line)
	}
	send("jpn-coast", nameSentence(t, sJ, "COT-JPN")+positionSentence(t, sJ, 34.51234, 129.25))
	send("gbr-sat", positionSentence(t, sG, 56.1, 3.2))
	waitFor(t, "JPN's and GBR's events", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got["jpn-tak"]) > 0 && len(got["gbr-mcast"]) > 0
	})
	time.Sleep(200 * time.Millisecond) // anything else that would come
	mu.Lock()
	defer mu.Unlock()
	check := func(stream, uid, marking string, lat, lon float64, callsign string) {
		t.Helper()
		for _, line := range got[stream] {
			var m cotMsg
			if err := xml.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("%s: %v in %s", stream, err, line)
			}
			if m.UID != uid {
				t.Errorf("%s got %s, which it may not see", stream, m.UID)
				continue
			}
			// 10.2 kn is 5.25 m/s; course 90.0.
			if m.Access != marking || m.Point.Lat != lat || m.Point.Lon != lon || m.Detail.Track.Speed != "5.25" || m.Detail.Track.Course != "90.0" {
				t.Errorf("%s: %+v, want %s at %v,%v marked %s", stream, m, uid, lat, lon, marking)
			}
			if callsign != "" && m.Detail.Contact.Callsign != callsign {
				t.Errorf("%s: callsign %q, want %q", stream, m.Detail.Contact.Callsign, callsign)
			}
		}
	}
	check("jpn-tak", cot.UID(sJ), "REL TO JPN, OPS, USA", 34.51234, 129.25, "COT-JPN")
	check("gbr-mcast", cot.UID(sG), "REL TO NATO, OPS", 56.1, 3.2, "MMSI 232900012")
	if len(got["aus-tak"]) != 0 {
		t.Errorf("AUS, cleared for nothing, got %d events", len(got["aus-tak"]))
	}
	// The metrics count what was sent.
	r := f.get(t, "/metrics", f.secrets[userName(opsPartner, access.Admin)])
	for _, want := range []string{
		`picket_cot_events_total{partner="JPN",stream="jpn-tak"} ` + strconv.Itoa(len(got["jpn-tak"])),
		`picket_cot_events_total{partner="AUS",stream="aus-tak"} 0`,
		`picket_cot_connected{partner="JPN",stream="jpn-tak"} 1`,
	} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// testCert makes a self-signed certificate for 127.0.0.1, for both ends.
func testCert(t *testing.T, name string) (tls.Certificate, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: c}, c
}

// TestCoTTLS: a stream to a TAK Server's secure input presents its client
// certificate, checks the server's, and sends over TLS; a server whose
// certificate it does not trust gets nothing.
func TestCoTTLS(t *testing.T) {
	serverCert, serverX := testCert(t, "takserver")
	clientCert, clientX := testCert(t, "picket")
	clients, servers := x509.NewCertPool(), x509.NewCertPool()
	clients.AddCert(clientX)
	servers.AddCert(serverX)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{serverCert},
		ClientCAs: clients, ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	untrusted, _ := testCert(t, "impostor")
	bad, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{untrusted}})
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	lines := make(chan string, 16)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		sc := bufio.NewScanner(c)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "<event") {
				lines <- sc.Text()
			}
		}
	}()
	var badGot sync.WaitGroup
	badBytes := 0
	badGot.Add(1)
	go func() {
		defer badGot.Done()
		c, err := bad.Accept()
		if err != nil {
			return
		}
		c.SetReadDeadline(time.Now().Add(10 * time.Second)) // a hang guard, should the handshake pass
		b, _ := io.ReadAll(c)                               // the handshake fails: nothing
		badBytes = len(b)
	}()
	conf := &tls.Config{Certificates: []tls.Certificate{clientCert}, RootCAs: servers, MinVersion: tls.VersionTLS12}
	f := newFixture(t, Options{CoT: []cot.Options{
		{Name: "jpn-tls", Partner: "JPN", Address: ln.Addr().String(), TLS: conf, MinInterval: time.Millisecond},
		{Name: "jpn-impostor", Partner: "JPN", Address: bad.Addr().String(), TLS: conf, MinInterval: time.Millisecond},
	}})
	waitFor(t, "the stream's subscription", func() bool { return f.p.Stats().Subscribers >= 1 })
	c, err := net.Dial("tcp", f.p.Addr("jpn-coast").String())
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(c, positionSentence(t, 431900021, 34.6, 129.4))
	c.Close()
	select {
	case l := <-lines:
		var m cotMsg
		if err := xml.Unmarshal([]byte(l), &m); err != nil || m.UID != "picket-431900021" || m.Access != "REL TO JPN, OPS, USA" || m.Point.Lat != 34.6 {
			t.Errorf("over TLS: %+v %v", m, err)
		}
	case <-time.After(time.Minute): // a hang guard, not a measure
		t.Fatal("nothing came over TLS")
	}
	bad.Close()
	badGot.Wait()
	if badBytes != 0 {
		t.Errorf("a server with an untrusted certificate read %d bytes", badBytes)
	}
}
