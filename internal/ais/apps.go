package ais

// appScratch holds the decoder's reusable application-payload values.
type appScratch struct{}

// app6 decodes the application payload of a type 6 message when its
// DAC/FID is one we know, else returns nil.
func (d *Decoder) app6(m *BinaryAddressed) App { return nil }

// app8 decodes the application payload of a type 8 message when its
// DAC/FID is one we know, else returns nil.
func (d *Decoder) app8(m *BinaryBroadcast) App { return nil }
