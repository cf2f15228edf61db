// Command etcd is the etcd server, built from the published go.etcd.io/etcd/server/v3 module: its own
// repository builds the same binary from server/main.go, which calls etcdmain.Main.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
