// go_trace: goroutines whose calls ferret traces. Four workers each call leaf N times
// (from goroutines the scheduler moves between threads), deep recurses far enough to
// grow (and so copy) its goroutine's stack, wait blocks on a channel, mayPanic panics
// on odd numbers (recovered by its caller, recovered), and quit ends its goroutine with
// runtime.Goexit. Usage: go_trace [N]; prints "go_trace: ok SUM".
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

//go:noinline
func leaf(x int) int { return x*2 + 1 }

//go:noinline
func worker(id, n int, wg *sync.WaitGroup, out []int) {
	defer wg.Done()
	s := 0
	for i := 0; i < n; i++ {
		s += leaf(i)
		if i%100 == 0 {
			runtime.Gosched()
		}
	}
	out[id] = s
}

// deep has a large frame: 1000 levels need far more than a new goroutine's 8 KiB stack.
//
//go:noinline
func deep(n int) int {
	var pad [256]byte
	pad[n%len(pad)] = byte(n)
	if n == 0 {
		return int(pad[0])
	}
	return deep(n-1) + int(pad[n%len(pad)]&1)
}

//go:noinline
func wait(ch chan int) int { return <-ch }

//go:noinline
func mayPanic(n int) int {
	if n%2 == 1 {
		panic("odd")
	}
	return n
}

//go:noinline
func recovered(n int) (r int) {
	defer func() {
		if recover() != nil {
			r = -1
		}
	}()
	return mayPanic(n)
}

//go:noinline
func quit(done chan<- bool) {
	done <- true
	runtime.Goexit()
}

func main() {
	n := 1000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	var wg sync.WaitGroup
	out := make([]int, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go worker(i, n, &wg, out)
	}
	res := make(chan int)
	go func() { res <- deep(1000) }()
	ch := make(chan int)
	go func() { res <- wait(ch) }()
	time.Sleep(50 * time.Millisecond) // wait blocks; the other goroutines run meanwhile
	ch <- 7
	sum := <-res + <-res
	wg.Wait()
	for _, s := range out {
		sum += s
	}
	for i := 0; i < 10; i++ {
		sum += recovered(i)
	}
	for i := 0; i < 3; i++ {
		done := make(chan bool)
		go quit(done)
		<-done
	}
	fmt.Printf("go_trace: ok %d\n", sum)
}
