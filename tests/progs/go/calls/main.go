// go_calls: a Go program whose goroutine stacks grow (and so move) while it runs,
// the case return probes break. Usage: go_calls [seconds]; prints "go_calls: ok N".
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// deep recurses with a large frame: the goroutine's stack is copied as it grows.
//
//go:noinline
func deep(n int) int {
	var pad [512]byte
	pad[n%len(pad)] = byte(n)
	if n == 0 {
		return int(pad[0])
	}
	return deep(n-1) + int(pad[n%len(pad)]&1)
}

//go:noinline
func round(n int, done chan<- int) {
	done <- deep(n)
}

func main() {
	seconds := 0.0
	if len(os.Args) > 1 {
		seconds, _ = strconv.ParseFloat(os.Args[1], 64)
	}
	end := time.Now().Add(time.Duration(seconds * float64(time.Second)))
	rounds := 0
	for rounds == 0 || time.Now().Before(end) {
		done := make(chan int)
		go round(2000, done)
		<-done
		rounds++
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Printf("go_calls: ok %d\n", rounds)
}
