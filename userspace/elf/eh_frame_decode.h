/* The bytes of .eh_frame entries libdw leaves to its caller (internal to elf/, for
 * eh_frame.c): the encoded addresses of an FDE, and a check of the register numbers its
 * instructions name before libdw interprets them. */
#ifndef FERRET_EH_FRAME_DECODE_H
#define FERRET_EH_FRAME_DECODE_H

#include <elfutils/libdw.h>
#include <stdbool.h>
#include <stdint.h>

/* What an FDE needs from its CIE. */
struct cie_info {
	Dwarf_Off offset;  /* in .eh_frame */
	uint8_t encoding;  /* DW_EH_PE_* of its FDEs' addresses */
	bool augmented;	   /* "z...": its FDEs have augmentation data */
	bool readable;	   /* augmentation understood, instructions' registers sane */
};

/* Fills *info (not offset) from a CIE as dwarf_next_cfi read it. */
void eh_decode__cie(const Dwarf_CIE *cie, struct cie_info *info);
/* An FDE's first address and the length of its range, its encoded initial location at
 * virtual address field_vaddr; false: unreadable, or its instructions name a register
 * no machine has. */
bool eh_decode__fde(const Dwarf_FDE *fde, const struct cie_info *cie, uint64_t field_vaddr,
		    uint64_t *start, uint64_t *size);

#endif
