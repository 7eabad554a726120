/* libferretdemo.so: a small shared library traced as "libferretdemo:*". */
#ifndef LIBFERRETDEMO_H
#define LIBFERRETDEMO_H

int lib_add(int a, int b);
int lib_mul(int a, int b);
long lib_scale(long x);

#endif
