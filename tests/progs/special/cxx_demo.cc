// A C++ program for ferret's tests: a namespace, a class with a const method,
// overloads, template instances, and an exception thrown and caught inside one
// function (so the program uses the unwinder without crossing other frames).
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace shop {
struct Cart {
	int items = 0;
	void add(int n);
	int total() const;
};

__attribute__((noipa)) void Cart::add(int n) { items += n; }
__attribute__((noipa)) int Cart::total() const { return items * 3; }
__attribute__((noipa)) int price(int x) { return x * 2; }
__attribute__((noipa)) int price(double x) { return (int)(x * 2); }
template <typename T> __attribute__((noipa)) T twice(T v) { return v + v; }

__attribute__((noipa)) int checked(int n)
{
	try {
		if (n < 0)
			throw std::invalid_argument("negative");
		return n;
	} catch (const std::invalid_argument &) {
		return 0;
	}
}
} // namespace shop

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5;
	shop::Cart cart;

	for (int i = 0; i < n; i++)
		cart.add(1);
	printf("%d\n", cart.total() + shop::price(2) + shop::price(2.5) + shop::twice(3) +
			       (int)shop::twice(1.5) + shop::checked(-1));
	return 0;
}
