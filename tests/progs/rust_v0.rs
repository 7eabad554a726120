// Traced by tests/e2e/test_rust.sh (built with v0 and with legacy symbol mangling).
// With N rounds (argument, default 5) each function runs a known number of times:
// Point::new, <Point as Area>::area, largest::<i32>, apply's two instances and the
// closure N times; largest::<f64> and square 2N times; <Point as Display>::fmt once.
// No panics: one unwinding through a traced function would end the program.
use std::fmt;

// A value the optimizer cannot see through (std::hint::black_box needs rustc 1.66,
// Debian 12 has 1.63); always inlined, so it is no function of its own.
#[inline(always)]
fn black_box<T: Copy>(v: T) -> T {
    unsafe { std::ptr::read_volatile(&v) }
}

pub struct Point {
    x: i64,
    y: i64,
}

pub trait Area {
    fn area(&self) -> i64;
}

impl Area for Point {
    #[inline(never)]
    fn area(&self) -> i64 {
        black_box(self.x * self.y)
    }
}

impl fmt::Display for Point {
    #[inline(never)]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}, {})", self.x, self.y)
    }
}

impl Point {
    #[inline(never)]
    pub fn new(x: i64, y: i64) -> Point {
        Point { x: black_box(x), y }
    }
}

#[inline(never)]
pub fn largest<T: PartialOrd + Copy>(items: &[T]) -> T {
    let mut best = items[0];
    for &item in items {
        if item > best {
            best = item;
        }
    }
    black_box(best)
}

#[inline(never)]
pub fn apply<F: Fn(i64) -> i64>(f: F, v: i64) -> i64 {
    f(black_box(v))
}

#[inline(never)]
pub fn square(v: i64) -> i64 {
    black_box(v * v)
}

fn main() {
    let rounds: i64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let ints: [i32; 3] = [3, 9, 4];
    let floats: [f64; 2] = [1.5, 0.5];
    let mut total = 0i64;
    for i in 0..rounds {
        let p = Point::new(i, 2);
        total += p.area();
        total += largest(black_box(&ints)) as i64;
        total += largest(black_box(&floats)) as i64 + largest(black_box(&floats[1..])) as i64;
        total += apply(#[inline(never)] |v| square(v) + 1, i);
        total += apply(square as fn(i64) -> i64, i);
        if i == 0 {
            println!("first point {}", p);
        }
    }
    println!("rust_v0: {}", total);
}
