module github.com/picket-ais/picket

go 1.26.8

require (
	github.com/paulmach/orb v0.14.0
	github.com/spf13/cobra v1.10.1
)

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
	go.mongodb.org/mongo-driver/v2 v2.5.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
