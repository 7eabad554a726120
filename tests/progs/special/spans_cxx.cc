// Explicit spans in C++: FERRET_SCOPE's guard closes its span however the scope is left
// (return, exception). For test_usdt.sh: 3 x work(i) -> "step" scope (2 tags each);
// work(1) returns early from inside it, work(2) throws through it (caught in main).
#include <cstdio>
#include <stdexcept>

#include <ferret.h>

__attribute__((noinline)) int work(int i)
{
	FERRET_SCOPE("step");
	FERRET_TAG_INT("i", i);
	FERRET_TAG("lang", "c++");
	if (i == 1)
		return 10;
	if (i == 2)
		throw std::runtime_error("step 2");
	return i;
}

int main()
{
	int sum = 0;

	for (int i = 0; i < 3; i++) {
		try {
			sum += work(i);
		} catch (const std::exception &) {
			sum += 100;
		}
	}
	std::printf("%d\n", sum);
	return 0;
}
