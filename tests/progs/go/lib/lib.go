// libgocalls.so: Go code built as a C shared library (-buildmode=c-shared), the
// Go runtime inside a module of a C program.
package main

import "C"

//export GoSum
func GoSum(n C.int) C.int {
	s := 0
	for i := 0; i < int(n); i++ {
		s += i
	}
	return C.int(s)
}

func main() {}
