package source

import (
	"errors"
	"fmt"
)

// Radar is the kind of a feed of a radar's NMEA output (ARPA TTM/TLL
// tracked targets, with the own ship's GGA/RMC/HDT, or from a fixed
// Site): read from a file replayed as live (File, with Speed, Skip and
// Rebase as a replay) or from the radar's network output, connected to
// as a TCP client (Address). Its lines go to a radar stream, not to the
// AIS framer: the runner (package live) asks the feed's kind.
const Radar Kind = "radar"

func init() { Register(Radar, checkRadar, newRadar) }

func checkRadar(cfg Config) error {
	switch {
	case (cfg.File == "") == (cfg.Address == ""):
		return errors.New("a radar feed reads a file (file:) or connects to the radar's output (address:): give one")
	case cfg.Site != nil && (cfg.Site[0] < -90 || cfg.Site[0] > 90 || cfg.Site[1] < -180 || cfg.Site[1] > 180):
		return fmt.Errorf("site %v: want [lat, lon] in degrees", *cfg.Site)
	case cfg.File != "":
		return checkReplay(cfg)
	}
	return needAddress(cfg)
}

func newRadar(cfg Config) (Source, error) {
	if cfg.File != "" {
		return newReplay(cfg)
	}
	return newTCPClient(cfg)
}
