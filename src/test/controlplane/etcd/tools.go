//go:build tools

// Package controlplane only records, for go mod tidy, which command build.sh compiles.
package controlplane

import _ "go.etcd.io/etcd/server/v3"
