/* x86_decoder: the one capstone handle trace/ decodes x86-64 with (internal to trace/). */
#ifndef FERRET_X86_DECODER_H
#define FERRET_X86_DECODER_H

#include <capstone/capstone.h>

/* The process's x86-64 decoder, with instruction details; 0 when capstone cannot open
 * one. Opened on first use: placement runs on one thread, before tracing starts. */
csh x86_decoder(void);

#endif
